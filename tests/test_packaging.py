"""Packaging agrees with itself: pyproject.toml, constraints.txt, environment.yml, README, CI."""

import re
from pathlib import Path

import pytest
import tomllib
import yaml
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


@pytest.fixture(scope="module")
def constraints():
    """{canonical name: version} from constraints.txt."""
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        match = re.fullmatch(r"([A-Za-z0-9_.\-]+)==([^\s;]+)", line)
        assert match, f"constraints.txt line is not `name==version`: {line!r}"
        name = canonicalize_name(match[1])
        assert name not in pins, f"{name} is pinned twice in constraints.txt"
        pins[name] = match[2]
    return pins


@pytest.fixture(scope="module")
def environment():
    return yaml.safe_load((ROOT / "environment.yml").read_text())


def _pip_section(environment):
    sections = [d["pip"] for d in environment["dependencies"] if isinstance(d, dict)]
    assert len(sections) == 1, "environment.yml needs exactly one `pip:` list"
    return sections[0]


def test_every_dependency_is_pinned_and_the_pin_satisfies_pyproject(pyproject, constraints):
    requirements = list(pyproject["project"]["dependencies"])
    for extra in pyproject["project"]["optional-dependencies"].values():
        requirements += extra
    for text in requirements:
        requirement = Requirement(text)
        name = canonicalize_name(requirement.name)
        assert name in constraints, f"{name} is not pinned in constraints.txt"
        assert requirement.specifier.contains(constraints[name], prereleases=True), \
            f"{name}=={constraints[name]} does not satisfy pyproject's {text!r}"


def test_constraints_do_not_pin_the_course_package_itself(constraints):
    assert "onnxlearn" not in constraints


def test_environment_lists_exactly_the_core_dependencies(pyproject, environment):
    core = {canonicalize_name(Requirement(r).name) for r in pyproject["project"]["dependencies"]}
    pins = [entry for entry in _pip_section(environment) if not entry.startswith("-")]
    listed = [canonicalize_name(Requirement(entry).name) for entry in pins]
    assert sorted(listed) == sorted(core)
    assert len(listed) == len(set(listed))


def test_environment_pins_equal_constraints(environment, constraints):
    for entry in _pip_section(environment):
        if entry.startswith("-"):
            continue
        requirement = Requirement(entry)
        (spec,) = requirement.specifier
        assert spec.operator == "==", f"environment.yml should pin exactly: {entry}"
        assert spec.version == constraints[canonicalize_name(requirement.name)], entry


def test_environment_installs_through_the_constraints(environment, pyproject):
    options = [entry for entry in _pip_section(environment) if entry.startswith("-")]
    assert "-c constraints.txt" in options
    python = [d for d in environment["dependencies"]
              if isinstance(d, str) and d.startswith("python=")]
    assert len(python) == 1
    required = pyproject["project"]["requires-python"]
    assert Version(python[0].split("=", 1)[1]) in Requirement(f"python{required}").specifier


def test_version_and_command_entry_point(pyproject):
    import importlib

    import onnxlearn

    assert onnxlearn.__version__ == pyproject["project"]["version"]
    module, function = pyproject["project"]["scripts"]["onnxlearn"].split(":")
    assert callable(getattr(importlib.import_module(module), function))


def quickstart_commands() -> list:
    readme = ROOT / "README.md"
    if not readme.exists():
        pytest.skip("README.md is not written yet")
    text = readme.read_text()
    section = re.search(r"^## Quickstart\s*$(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert section, "README.md has no '## Quickstart' section"
    blocks = re.findall(r"^```[\w-]*\n(.*?)^```", section[1], re.M | re.S)
    assert blocks, "the Quickstart section has no fenced code block"
    lines = [line.strip() for line in blocks[0].splitlines()]
    return [line.removeprefix("$ ") for line in lines if line and not line.startswith("#")]


def test_quickstart_has_exactly_two_commands():
    commands = quickstart_commands()
    assert len(commands) == 2, commands


def test_quickstart_commands_exist_in_course_script():
    course_doc = (ROOT / "course.py").read_text()
    for command in quickstart_commands():
        match = re.fullmatch(r"python3 course\.py (\w+)", command)
        assert match, f"unexpected Quickstart command: {command!r}"
        assert f"def {match[1]}(" in course_doc, f"course.py has no `{match[1]}` command"


def test_ci_runs_the_readme_test_command_verbatim():
    tests = [c for c in quickstart_commands() if re.search(r"\btest\b", c)]
    assert len(tests) == 1, f"expected one test command in the Quickstart, got {tests}"
    ci_lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()
                if line.strip() and not line.strip().startswith("#")]
    assert tests[0] in ci_lines
