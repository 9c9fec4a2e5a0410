"""`onnxlearn doctor`: versions, providers, a writable models/ folder, and clear PROBLEM lines."""

import datetime
import io
import os
import subprocess
import sys
import sysconfig
from importlib.metadata import version
from pathlib import Path

import pytest

from onnxlearn.cli import COURSE_PACKAGES, doctor, main

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = Path(sysconfig.get_path("scripts"))
ONNXLEARN = SCRIPTS / "onnxlearn"
NEEDED = ["onnx", "onnxruntime", "skl2onnx", "scikit-learn", "netron", "jupyterlab"]


def run_doctor(env_changes, argv=None):
    env = {**os.environ, **env_changes}
    return subprocess.run(argv or [str(ONNXLEARN), "doctor"], capture_output=True, text=True,
                          env=env, timeout=120)


def line_of(output: str, label: str) -> str:
    lines = [line for line in output.splitlines() if line.split(maxsplit=1)[:1] == [label]]
    assert len(lines) == 1, f"no single {label!r} line in:\n{output}"
    return lines[0].split(maxsplit=1)[1]


def providers() -> str:
    import onnxruntime

    return ", ".join(onnxruntime.get_available_providers())


@pytest.fixture(scope="module")
def healthy(tmp_path_factory):
    models = tmp_path_factory.mktemp("doctor_models")
    return run_doctor({"ONNXLEARN_MODELS_DIR": str(models)}), models


def test_doctor_command_is_installed():
    assert ONNXLEARN.is_file(), f"{ONNXLEARN} missing: run `pip install -e .`"


def test_healthy_setup_exits_zero_and_says_all_set(healthy):
    result, _ = healthy
    assert result.returncode == 0, result.stdout + result.stderr
    assert "PROBLEM" not in result.stdout
    assert result.stdout.splitlines()[-1] == "All set."


def test_lists_python_and_every_needed_package_with_its_version(healthy):
    import platform

    result, _ = healthy
    assert line_of(result.stdout, "python").startswith(platform.python_version() + " (")
    for distribution in NEEDED:
        assert line_of(result.stdout, distribution) == version(distribution)


def test_lists_execution_providers(healthy):
    result, _ = healthy
    assert line_of(result.stdout, "providers") == providers()
    assert "CPUExecutionProvider" in line_of(result.stdout, "providers")


def test_reports_a_writable_models_folder(healthy):
    result, models = healthy
    assert line_of(result.stdout, "models/") == f"{models.resolve()} (writable)"


def test_models_folder_that_cannot_be_created(tmp_path):
    regular_file = tmp_path / "a_file"
    regular_file.write_text("x")
    folder = regular_file / "models"
    result = run_doctor({"ONNXLEARN_MODELS_DIR": str(folder)})
    assert result.returncode == 1
    assert line_of(result.stdout, "models/") == f"{folder} (NOT writable)"
    assert (f"PROBLEM: models folder {folder} is not writable: chmod u+w it, or set "
            "ONNXLEARN_MODELS_DIR to a writable folder") in result.stdout.splitlines()
    assert result.stdout.splitlines()[-1] == "1 problem(s) found."


def test_read_only_models_folder(tmp_path, run_read_only):
    folder = tmp_path / "models"
    folder.mkdir()
    env = {**os.environ, "ONNXLEARN_MODELS_DIR": str(folder)}
    result = run_read_only(folder, [ONNXLEARN, "doctor"], env=env)
    assert result.returncode == 1, result.stdout + result.stderr
    assert line_of(result.stdout, "models/") == f"{folder} (NOT writable)"
    assert f"PROBLEM: models folder {folder} is not writable" in result.stdout


_WITHOUT = """
import site, sys
site.addsitedir(sys.argv[1])
for name in sys.argv[2:]:
    try:
        __import__(name)
    except ImportError:
        pass
    else:
        sys.exit(f"{name} is still importable")
from onnxlearn.cli import main
sys.exit(main(["doctor"]))
"""


@pytest.fixture
def site_without(tmp_path):
    """A site-packages folder that is the real one minus some distributions.

    It is made of links to every entry of the real site-packages except the
    hidden packages and their .dist-info, so inside it those packages are
    genuinely not installed, for both ``import`` and ``importlib.metadata``.
    """
    def make(*hidden):
        real = Path(sysconfig.get_path("purelib"))
        site = tmp_path / "site-packages"
        site.mkdir()
        for entry in real.iterdir():
            top = entry.name.split("-")[0].split(".")[0].lower()
            if top not in hidden:
                (site / entry.name).symlink_to(entry)
        return site

    return make


def test_missing_package_gives_a_problem_line_and_exit_one(site_without, tmp_path):
    site = site_without("netron", "torch")
    result = run_doctor({"ONNXLEARN_MODELS_DIR": str(tmp_path / "models")},
                        argv=[sys.executable, "-I", "-S", "-c", _WITHOUT, site, "netron",
                              "torch"])
    assert result.returncode == 1, result.stdout + result.stderr
    assert line_of(result.stdout, "netron") == "MISSING"
    assert ("PROBLEM: netron is not installed: run `python3 course.py test` or "
            "`pip install -e .`") in result.stdout.splitlines()
    # torch is optional: reported, but not a problem
    assert line_of(result.stdout, "torch").startswith("not installed (optional")
    assert not [line for line in result.stdout.splitlines()
                if line.startswith("PROBLEM") and "torch" in line]
    assert result.stdout.splitlines()[-1] == "1 problem(s) found."
    # everything else is still found
    assert line_of(result.stdout, "onnx") == version("onnx")


def test_python_dash_m_onnxlearn_runs_the_same_command(tmp_path):
    result = run_doctor({"ONNXLEARN_MODELS_DIR": str(tmp_path)},
                        argv=[sys.executable, "-m", "onnxlearn", "doctor"])
    assert result.returncode == 0
    assert result.stdout.splitlines()[-1] == "All set."


def test_doctor_in_process_writes_to_the_given_stream(tmp_path, monkeypatch):
    monkeypatch.setenv("ONNXLEARN_MODELS_DIR", str(tmp_path))
    out = io.StringIO()
    assert doctor(out=out) == 0
    labels = [line.split()[0] for line in out.getvalue().splitlines()]
    assert labels[:1 + len(COURSE_PACKAGES)] == ["python", *(d for d, _, _ in COURSE_PACKAGES)]


def test_main_doctor_returns_the_exit_status(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ONNXLEARN_MODELS_DIR", str(tmp_path / "a_file" / "models"))
    (tmp_path / "a_file").write_text("x")
    assert main(["doctor"]) == 1
    assert "PROBLEM: models folder" in capsys.readouterr().out


def test_unknown_subcommand_is_refused(capsys):
    with pytest.raises(SystemExit) as caught:
        main(["no-such-command"])
    assert caught.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_reports_how_long_the_netron_page_keeps_rendering(tmp_path, monkeypatch):
    from onnxlearn.netron import netron_build_date

    monkeypatch.setenv("ONNXLEARN_MODELS_DIR", str(tmp_path))
    out = io.StringIO()
    doctor(out=out)
    built = netron_build_date()
    line = next(line for line in out.getvalue().splitlines() if line.startswith("viewer"))
    last_day = built + datetime.timedelta(days=180)
    assert f"Netron page built {built.isoformat()}, renders until {last_day.isoformat()}" in line


def test_an_expired_netron_is_a_note_not_a_problem(tmp_path, monkeypatch):
    import onnxlearn.netron

    monkeypatch.setenv("ONNXLEARN_MODELS_DIR", str(tmp_path))
    # the page's own date, as if the installed Netron had been built long ago
    monkeypatch.setattr(onnxlearn.netron, "netron_build_date", lambda: datetime.date(2020, 1, 1))
    out = io.StringIO()
    assert doctor(out=out) == 0
    text = out.getvalue()
    assert "NOTE: Netron" in text and "pip install -U netron" in text
    assert "static pictures" in text and "PROBLEM" not in text
