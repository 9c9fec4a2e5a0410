"""onnxlearn: the helper package of the ONNX course.

Notebooks teach ONNX itself (onnx.helper, skl2onnx, onnxruntime); onnxlearn
does everything that is not the lesson: building and caching the course's
models, checked inference, parity reports, timing, drawing and Netron views,
and exercise self-checks.

Importing onnxlearn is fast: scikit-learn, skl2onnx, onnxruntime, torch and
matplotlib are imported only by the functions that need them.

Examples
--------
>>> import onnxlearn
>>> forest = onnxlearn.iris_forest()
>>> onnxlearn.predict(forest.onnx_path, [[5.1, 3.5, 1.4, 0.2]]).tolist()
[0]
"""

from . import exercises
from .anatomy import ModelSummary, summarize
from .bench import compare, latency_curve, measure
from .cache import models_dir
from .datasets import load_digits_split, load_iris_split
from .draw import StaticDrawing, draw, draw_side_by_side
from .dtypes import data_type, data_types, dtype_table, probe_dtypes
from .errors import (
    CacheNotWritableError,
    DisplayModeError,
    EstimatorNotFittedError,
    InputMismatchError,
    MissingDependencyError,
    ModelLoadError,
    ModelNotFoundError,
    NetronError,
    OnnxLearnError,
    UnknownDataTypeError,
)
from .modelfile import load_model
from .netron import NetronView, show, side_by_side, stop
from .notebook import setup_notebook
from .runtime import input_specs, predict, run, session
from .verify import ParityReport, verify
from .zoo import CourseModel, iris_forest

__version__ = "0.1.0"

__all__ = [
    "CacheNotWritableError", "CourseModel", "EstimatorNotFittedError", "InputMismatchError",
    "MissingDependencyError", "ModelLoadError", "ModelNotFoundError", "ModelSummary",
    "OnnxLearnError",
    "ParityReport", "UnknownDataTypeError", "compare", "data_type", "data_types",
    "dtype_table", "exercises", "input_specs", "iris_forest", "latency_curve",
    "load_digits_split", "load_iris_split", "load_model", "measure", "models_dir", "predict",
    "probe_dtypes",
    "DisplayModeError", "NetronError", "NetronView", "StaticDrawing", "draw",
    "draw_side_by_side", "show", "side_by_side", "stop",
    "run", "session", "setup_notebook", "summarize", "verify",
]
