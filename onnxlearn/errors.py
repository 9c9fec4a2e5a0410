"""The one exception hierarchy of onnxlearn.

Every error says three things: what was expected, what was given, and how to
fix it. Each class also derives from the closest built-in exception, so code
that already catches ``ValueError`` or ``FileNotFoundError`` keeps working.

Examples
--------
>>> from onnxlearn.errors import InputMismatchError
>>> err = InputMismatchError("wrong number of features",
...                          expected="4 columns", given="3 columns",
...                          fix="pass X with shape (n, 4)")
>>> print(err)
wrong number of features: expected 4 columns, given 3 columns. Fix: pass X with shape (n, 4).
"""

from __future__ import annotations


class OnnxLearnError(Exception):
    """Base class of every error raised by onnxlearn.

    Parameters
    ----------
    problem : str
        A short statement of what went wrong.
    expected : str, optional
        What onnxlearn expected.
    given : str, optional
        What it was given instead.
    fix : str, optional
        What the user can do about it.
    """

    def __init__(self, problem: str, *, expected: str | None = None,
                 given: str | None = None, fix: str | None = None):
        self.problem = problem
        self.expected = expected
        self.given = given
        self.fix = fix
        super().__init__(self._message())

    def _message(self) -> str:
        parts = [self.problem]
        details = []
        if self.expected is not None:
            details.append(f"expected {self.expected}")
        if self.given is not None:
            details.append(f"given {self.given}")
        message = parts[0] + (": " + ", ".join(details) if details else "")
        if self.fix:
            message += f". Fix: {self.fix.rstrip('.')}."
        return message

    def __reduce__(self):  # keep errors picklable (multiprocessing, Dask)
        return (_rebuild, (type(self), self.problem, self.expected, self.given, self.fix))


def _rebuild(cls, problem, expected, given, fix):
    return cls(problem, expected=expected, given=given, fix=fix)


class ModelLoadError(OnnxLearnError, ValueError):
    """A model file or object is missing, empty, truncated or not ONNX."""


class ModelNotFoundError(ModelLoadError, FileNotFoundError):
    """A model path does not exist."""


class InputMismatchError(OnnxLearnError, ValueError):
    """Inputs given to a model do not match what its graph declares."""


class EstimatorNotFittedError(OnnxLearnError, ValueError):
    """A scikit-learn estimator was used before ``fit``."""


class CacheNotWritableError(OnnxLearnError, PermissionError):
    """The folder where course models are cached cannot be written."""


class UnknownDataTypeError(OnnxLearnError, LookupError):
    """An ONNX element type was asked for by a name or value that does not exist."""


class MissingDependencyError(OnnxLearnError, ImportError):
    """An optional package needed by this feature is not installed."""


def require(module_name: str, *, feature: str, extra: str | None = None):
    """Import an optional dependency, or raise a clear :class:`MissingDependencyError`.

    Parameters
    ----------
    module_name : str
        The module to import, e.g. ``"torch"``.
    feature : str
        What the user was trying to do, for the message.
    extra : str, optional
        The ``pip install onnxlearn[extra]`` extra that provides it.

    Returns
    -------
    module
        The imported module.

    Examples
    --------
    >>> np = require("numpy", feature="arrays")
    >>> np.__name__
    'numpy'
    """
    import importlib

    try:
        return importlib.import_module(module_name)
    except ImportError as exc:
        how = (f"pip install 'onnxlearn[{extra}]' -c constraints.txt" if extra
               else f"pip install {module_name}")
        raise MissingDependencyError(
            f"{feature} needs the package '{module_name}'",
            expected=f"'{module_name}' importable", given=f"ImportError: {exc}",
            fix=how,
        ) from exc


class NetronError(OnnxLearnError, RuntimeError):
    """Netron could not serve a model (not installed, no free port, server died)."""


class DisplayModeError(OnnxLearnError, ValueError):
    """An unknown display mode was asked for (``mode=`` or ``ONNXLEARN_DISPLAY``)."""
