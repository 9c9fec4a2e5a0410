"""`import onnxlearn` stays fast: no heavy library is imported until a function needs it."""

import json
import subprocess
import sys

HEAVY = ["sklearn", "skl2onnx", "onnxruntime", "torch", "matplotlib", "networkx", "netron"]

_SCRIPT = """
import json, sys
import {module}
heavy = {heavy!r}
print(json.dumps(sorted({{m.split(".")[0] for m in sys.modules}} & set(heavy))))
"""


def test_import_does_not_load_heavy_libraries():
    # A fresh interpreter: in this one the tests have imported everything already.
    script = _SCRIPT.format(module="onnxlearn", heavy=HEAVY)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            check=True)
    assert json.loads(result.stdout) == [], "`import onnxlearn` imported these"


def test_every_public_name_exists():
    import onnxlearn

    missing = [name for name in onnxlearn.__all__ if not hasattr(onnxlearn, name)]
    assert missing == []
    assert len(set(onnxlearn.__all__)) == len(onnxlearn.__all__)


def test_core_api_is_public():
    import onnxlearn

    for name in ("predict", "run", "session", "input_specs", "verify", "ParityReport",
                 "iris_forest", "CourseModel", "load_iris_split", "load_digits_split",
                 "compare", "measure", "latency_curve", "setup_notebook", "models_dir",
                 "load_model", "exercises", "OnnxLearnError", "ModelLoadError",
                 "ModelNotFoundError", "InputMismatchError", "EstimatorNotFittedError",
                 "CacheNotWritableError", "MissingDependencyError"):
        assert name in onnxlearn.__all__, name
