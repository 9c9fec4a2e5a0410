"""Shared fixtures: tiny hand-built ONNX models, and an isolated models folder.

Every test session writes course models to its own temporary folder (through
``ONNXLEARN_MODELS_DIR``), never to the checkout's ``models/``. The Iris
forest is built there once per session; tests that damage cached files work
on a private copy (``private_models_dir``).
"""

from __future__ import annotations

import shutil

import onnx
import pytest
from onnx import TensorProto, helper
from tiny_models import add_model, make_model

from onnxlearn import runtime
from onnxlearn.cache import MODELS_DIR_ENV


@pytest.fixture(scope="session", autouse=True)
def session_models_dir(tmp_path_factory):
    """Point ONNXLEARN_MODELS_DIR at a fresh folder for the whole session."""
    folder = tmp_path_factory.mktemp("models")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(MODELS_DIR_ENV, str(folder))
        yield folder


@pytest.fixture(autouse=True)
def fresh_sessions():
    """Each test starts and ends with no cached onnxruntime session."""
    runtime.clear_sessions()
    yield
    runtime.clear_sessions()


@pytest.fixture
def private_models_dir(tmp_path, monkeypatch):
    """A models folder of this test alone (empty)."""
    folder = tmp_path / "models"
    monkeypatch.setenv(MODELS_DIR_ENV, str(folder))
    return folder


@pytest.fixture(scope="session")
def iris_forest(session_models_dir):
    """The course's Iris forest, built once per session in the session folder."""
    import onnxlearn

    return onnxlearn.iris_forest()


@pytest.fixture
def iris_forest_copy(iris_forest, private_models_dir):
    """A private models folder holding copies of the built Iris forest files."""
    shutil.copytree(iris_forest.onnx_path.parent, private_models_dir)
    return private_models_dir


@pytest.fixture(scope="session")
def iris_split():
    import onnxlearn

    return onnxlearn.load_iris_split()


@pytest.fixture
def add_onnx():
    return add_model()


@pytest.fixture
def add_path(tmp_path, add_onnx):
    path = tmp_path / "add.onnx"
    onnx.save(add_onnx, path)
    return path


@pytest.fixture
def int_model():
    """x: int64 (?, 2) -> y = |x|."""
    return make_model([helper.make_node("Abs", ["x"], ["y"])],
                      [("x", TensorProto.INT64, [None, 2])], [("y", TensorProto.INT64, [None, 2])])


@pytest.fixture
def two_input_model():
    """a, b: float (?, 2) -> y = a - b (order matters, so a swap would show)."""
    return make_model([helper.make_node("Sub", ["a", "b"], ["y"])],
                      [("a", TensorProto.FLOAT, [None, 2]), ("b", TensorProto.FLOAT, [None, 2])],
                      [("y", TensorProto.FLOAT, [None, 2])])


@pytest.fixture
def string_model():
    """s: string (?) -> code: int64, via ai.onnx.ml LabelEncoder (unknown -> -1)."""
    return make_model(
        [helper.make_node("LabelEncoder", ["s"], ["code"], domain="ai.onnx.ml",
                          keys_strings=["setosa", "versicolor", "virginica"],
                          values_int64s=[0, 1, 2], default_int64=-1)],
        [("s", TensorProto.STRING, [None])], [("code", TensorProto.INT64, [None])],
        ml_opset=2)


@pytest.fixture
def fixed_batch_model():
    """x: float (1, 4) -> Relu: a model with a fixed first dimension."""
    return make_model([helper.make_node("Relu", ["x"], ["y"])],
                      [("x", TensorProto.FLOAT, [1, 4])], [("y", TensorProto.FLOAT, [1, 4])])


_READ_ONLY_MOUNT = 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && exec "$@"'


def _run_with_read_only(folder, argv, env=None):
    """Run ``argv`` in a private mount namespace where ``folder`` is mounted read-only.

    Tests run as root, and root ignores permission bits, so a chmod-ed folder
    would still be writable. A read-only bind mount is refused to root too,
    and an unprivileged user namespace lets the test make one.
    """
    import subprocess

    return subprocess.run(
        ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", _READ_ONLY_MOUNT,
         str(folder), *map(str, argv)],
        capture_output=True, text=True, env=env, timeout=120)


@pytest.fixture(scope="session")
def run_read_only(tmp_path_factory):
    """``run_read_only(folder, argv, env=None)``; skips where namespaces are not allowed."""
    import shutil as _shutil
    import sys

    if _shutil.which("unshare") is None:
        pytest.skip("needs util-linux's unshare to mount a folder read-only")
    probe = tmp_path_factory.mktemp("probe")
    result = _run_with_read_only(
        probe, [sys.executable, "-c", f"open({str(probe / 'x')!r}, 'w')"])
    if "Read-only file system" not in result.stderr:
        pytest.skip(f"cannot make a read-only bind mount here: {result.stderr.strip()[-200:]}")
    return _run_with_read_only
