#!/usr/bin/env python3
"""Set up the ONNX course and run it, with nothing but Python 3.10+.

    python3 course.py lab          # set up .venv and open JupyterLab on notebooks/
    python3 course.py test         # set up .venv (with test tools) and run every test
    python3 course.py notebooks    # re-execute notebooks and re-sync their .py sources
    python3 course.py notebooks 01_why_onnx solutions/01_why_onnx

Everything is installed into ./.venv from the pinned constraints.txt, so the
versions match the ones the committed notebook outputs were made with.
Nothing is registered outside the checkout: JupyterLab uses the kernel of
./.venv. Extra arguments after `lab` go to `jupyter lab`, after `test` to pytest.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
CONSTRAINTS = ROOT / "constraints.txt"
NOTEBOOKS = ROOT / "notebooks"
SOURCES = ROOT / "notebook_sources"

#: What `course.py test` passes to pytest: unit tests, then every notebook and
#: solution under nbval in full output-comparison mode, with coverage.
PYTEST_ARGS = [
    "tests", "notebooks",
    "--nbval", "--nbval-sanitize-with", "tests/nbval_sanitize.cfg",
    "--nbval-cell-timeout", "300",
    "-n", "2", "--dist", "loadscope",
    "--cov=onnxlearn", "--cov-report=term", "--cov-fail-under=90",
]
#: Environment of test and regeneration runs. nbval cannot show a live
#: Netron view, so notebooks draw the static picture instead.
NON_INTERACTIVE_ENV = {"ONNXLEARN_DISPLAY": "static", "MPLBACKEND": "module://matplotlib_inline.backend_inline",
                       "PYDEVD_DISABLE_FILE_VALIDATION": "1"}


def say(message: str) -> None:
    print(f"[course] {message}", flush=True)


def ensure_environment(extras: str = "") -> None:
    """Create .venv if needed and install the pinned set (only when it changed)."""
    if sys.version_info < (3, 10):  # noqa: UP036 - this script may run under an old python3
        sys.exit(f"[course] Python 3.10 or newer is needed; this is {sys.version.split()[0]}.")
    if not PYTHON.exists():
        say(f"creating the virtual environment {VENV.relative_to(ROOT)}/")
        try:
            venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
        except Exception as exc:  # e.g. Debian without python3-venv
            sys.exit(f"[course] could not create {VENV}: {exc}\n"
                     "[course] On Debian/Ubuntu install it with: sudo apt install python3-venv")
    wanted = hashlib.sha256()
    for path in (CONSTRAINTS, ROOT / "pyproject.toml"):
        wanted.update(path.read_bytes())
    wanted.update(extras.encode())
    stamp = VENV / f".installed{('-' + extras) if extras else ''}"
    if stamp.exists() and stamp.read_text() == wanted.hexdigest():
        return
    say(f"installing the pinned packages{' with [' + extras + ']' if extras else ''} "
        "(first time: a few minutes)")
    target = f".[{extras}]" if extras else "."
    subprocess.run([str(PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    "-c", str(CONSTRAINTS), "-e", target], cwd=ROOT, check=True)
    stamp.write_text(wanted.hexdigest())


def run_in_venv(*args: str, env: dict | None = None) -> int:
    full_env = {**os.environ, **(env or {})}
    full_env["PATH"] = f"{BIN}{os.pathsep}{full_env.get('PATH', '')}"
    full_env.pop("PYTHONHOME", None)
    return subprocess.call([str(PYTHON), *args], cwd=ROOT, env=full_env)


def lab(extra: list[str]) -> int:
    ensure_environment()
    args = ["-m", "jupyterlab", f"--notebook-dir={NOTEBOOKS}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--allow-root")  # containers and CI machines run as root
    say("opening JupyterLab on notebooks/ (Ctrl-C to stop)")
    return run_in_venv(*args, *extra)


def test(extra: list[str]) -> int:
    ensure_environment("dev")
    return run_in_venv("-m", "pytest", *PYTEST_ARGS, *extra, env=NON_INTERACTIVE_ENV)


def notebooks(names: list[str]) -> int:
    ensure_environment("dev")
    return run_in_venv(str(ROOT / "tools" / "regenerate_notebooks.py"), *names,
                       env=NON_INTERACTIVE_ENV)


def main(argv: list[str]) -> int:
    commands = {"lab": lab, "test": test, "notebooks": notebooks}
    if not argv or argv[0] not in commands:
        print(__doc__)
        return 2
    return commands[argv[0]](argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
