"""Run ONNX models with onnxruntime: cached sessions and checked inputs.

:func:`predict` is what the course uses to run a model. It checks every input
against the graph *before* onnxruntime sees it, and raises an
:class:`~onnxlearn.errors.InputMismatchError` that says what the model
expects, instead of a raw onnxruntime traceback.

Dtype policy
------------
Inputs are converted to the model's declared element type when numpy's
``"same_kind"`` casting rule allows it (``cast="same_kind"``, the default).
In practice: float64 data, which is what scikit-learn's data sets and most
numpy code produce, is accepted by a float32 model and converted to float32,
exactly the precision the model computes in anyway. Integers are accepted
for float inputs. Floats given to an integer input, strings given to a numeric
input, and anything but ``str`` (numbers, bytes) given to a string input are
refused. Pass ``cast="no"`` to refuse any conversion and see the mismatch instead.

Examples
--------
>>> import numpy as np
>>> from onnx import helper, TensorProto
>>> graph = helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "relu",
...     [helper.make_tensor_value_info("x", TensorProto.FLOAT, [None, 2])],
...     [helper.make_tensor_value_info("y", TensorProto.FLOAT, [None, 2])])
>>> model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
>>> predict(model, np.array([[-1.0, 2.0]]))
array([[0., 2.]], dtype=float32)
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import InputMismatchError, ModelLoadError
from .modelfile import check_model_path, describe, parse_model_bytes

DEFAULT_PROVIDERS = ("CPUExecutionProvider",)
_FLOAT32, _FLOAT64 = np.dtype(np.float32), np.dtype(np.float64)

# onnxruntime's type strings for tensors -> numpy dtypes
_ORT_TO_NUMPY = {
    "tensor(float)": np.dtype(np.float32), "tensor(double)": np.dtype(np.float64),
    "tensor(float16)": np.dtype(np.float16),
    "tensor(int8)": np.dtype(np.int8), "tensor(int16)": np.dtype(np.int16),
    "tensor(int32)": np.dtype(np.int32), "tensor(int64)": np.dtype(np.int64),
    "tensor(uint8)": np.dtype(np.uint8), "tensor(uint16)": np.dtype(np.uint16),
    "tensor(uint32)": np.dtype(np.uint32), "tensor(uint64)": np.dtype(np.uint64),
    "tensor(bool)": np.dtype(np.bool_), "tensor(string)": np.dtype(object),
}


@dataclass(frozen=True)
class InputSpec:
    """What one graph input accepts, as onnxruntime reports it."""

    name: str
    type: str
    dtype: np.dtype | None  # None for non-tensor or exotic element types
    shape: tuple  # ints for fixed dimensions, str or None for free ones

    def describe_shape(self) -> str:
        return "(" + ", ".join("?" if d is None else str(d) for d in self.shape) + ")"


@dataclass
class _Entry:
    session: object
    inputs: tuple
    input_names: frozenset
    output_names: tuple
    watch: object = None  # a _FileWatch for models loaded from a file

    def __post_init__(self):
        # onnxlearn checks every feed itself, more strictly than the Python
        # wrapper of InferenceSession.run, so it calls the compiled run directly
        # and saves the wrapper's second validation (about 2-5 µs per call).
        compiled = getattr(self.session, "_sess", None)
        self.run = compiled.run if hasattr(compiled, "run") else self.session.run
        # The common case gets a fast path: one numeric input whose only free
        # dimension is the first (the batch), e.g. float_input (?, 4). A fixed
        # first dimension is left to the full checks, which compare it.
        spec = self.inputs[0] if len(self.inputs) == 1 else None
        fast = (spec is not None and spec.dtype not in (None, np.dtype(object))
                and len(spec.shape) >= 1 and spec.shape[0] is None
                and None not in spec.shape[1:])
        self.fast_name = spec.name if fast else None
        self.fast_dtype = spec.dtype if fast else None
        self.fast_ndim = len(spec.shape) if fast else -1
        self.fast_tail = tuple(spec.shape[1:]) if fast else None

    def fast_feeds(self, X):
        """Feeds for an ndarray of the right shape and dtype (or float64 for a
        float32 input, converted), else None so that the full checks run."""
        if (X.__class__ is np.ndarray and X.ndim == self.fast_ndim
                and X.shape[1:] == self.fast_tail):
            if X.dtype is self.fast_dtype:
                return {self.fast_name: X}
            if X.dtype is _FLOAT64 and self.fast_dtype is _FLOAT32:
                return {self.fast_name: X.astype(_FLOAT32)}
        return None


_SESSIONS: dict = {}
_MAX_SESSIONS = 64
# (path as given, providers, threads) -> entry, for absolute str/Path arguments,
# so that a repeated call skips building the key.
_BY_ABSOLUTE_PATH: dict = {}
_PATH_TYPES = (str, type(Path()))
#: Longest time a cached session may go without asking the file system
#: whether its file changed. Writes made by this Python process are seen at
#: once (see _invalidate_on_write); this bound is for other processes.
RECHECK_SECONDS = 0.1


@dataclass
class _FileWatch:
    """Tells whether the file a session was built from has changed since.

    A ``stat`` on every call would cost more than running a small model on
    some machines, so the file is stat-ed at most every ``RECHECK_SECONDS``,
    and an audit hook marks it stale as soon as this process opens it for
    writing, renames over it, truncates or removes it.
    """

    path: str
    version: tuple
    checked_at: float
    stale: bool = False

    @classmethod
    def start(cls, path: str) -> _FileWatch:
        stat = os.stat(path)
        watch = cls(path, (stat.st_mtime_ns, stat.st_size), time.monotonic())
        _watch_writes()
        _WATCHES.setdefault(path, []).append(watch)
        return watch

    def unchanged(self) -> bool:
        if self.stale:
            return False
        now = time.monotonic()
        if now - self.checked_at < RECHECK_SECONDS:
            return True
        try:
            stat = os.stat(self.path)
        except OSError:
            self.stale = True
            return False
        self.checked_at = now
        self.stale = (stat.st_mtime_ns, stat.st_size) != self.version
        return not self.stale

    def close(self) -> None:
        watches = _WATCHES.get(self.path, [])
        if self in watches:
            watches.remove(self)
        if not watches:
            _WATCHES.pop(self.path, None)


_WATCHES: dict = {}  # absolute path -> [_FileWatch]
_WRITE_EVENTS = frozenset({"open", "os.rename", "os.truncate", "os.remove"})
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR
_hook_installed = False


def _invalidate_on_write(event: str, args: tuple) -> None:
    """Audit hook: mark watched files stale when this process writes them."""
    if event not in _WRITE_EVENTS or not _WATCHES:
        return
    if event == "open":
        if not args[2] & _WRITE_FLAGS:
            return
        touched = (args[0],)
    elif event == "os.rename":
        touched = args[:2]
    else:
        touched = args[:1]
    for path in touched:
        if isinstance(path, (str, bytes, os.PathLike)):
            path = os.fsdecode(path)
            for watch in _WATCHES.get(os.path.abspath(path), ()):
                watch.stale = True


def _watch_writes() -> None:
    global _hook_installed
    if not _hook_installed:
        sys.addaudithook(_invalidate_on_write)  # hooks cannot be removed; this one is cheap
        _hook_installed = True


def _model_key(model, providers, threads):
    """The cache key of a model: its absolute path, or a digest of its bytes."""
    import onnx

    if isinstance(model, (str, os.PathLike)):
        path = os.fspath(model)
        return ("path", path if os.path.isabs(path) else os.path.abspath(path), providers, threads)
    if isinstance(model, onnx.ModelProto):
        model = model.SerializeToString()
    if isinstance(model, (bytes, bytearray)):
        return ("bytes", hashlib.sha1(model).hexdigest(), providers, threads)
    raise TypeError(
        f"model must be a path, bytes or onnx.ModelProto; given {describe(model)}. "
        "Fix: pass the .onnx file's path, or the ModelProto returned by a converter.")


def _forget(key) -> None:
    entry = _SESSIONS.pop(key, None)
    if entry is not None and entry.watch is not None:
        entry.watch.close()
        for alias in [k for k, v in _BY_ABSOLUTE_PATH.items() if v is entry]:
            del _BY_ABSOLUTE_PATH[alias]


def _create_entry(model, providers: tuple, threads: int) -> _Entry:
    import onnx
    import onnxruntime as ort

    if isinstance(model, onnx.ModelProto):
        source, payload = "ModelProto", model.SerializeToString()
    elif isinstance(model, (bytes, bytearray)):
        source, payload = describe(model), bytes(model)
    else:
        source, payload = repr(os.fspath(model)), os.fspath(model)
    options = ort.SessionOptions()
    if threads:
        options.intra_op_num_threads = threads
    try:
        session = ort.InferenceSession(payload, options, providers=list(providers))
    except Exception as exc:  # onnxruntime raises several unrelated types
        if isinstance(payload, str):
            with open(payload, "rb") as handle:
                parse_model_bytes(handle.read(), source=source)
        else:
            parse_model_bytes(payload, source=source)
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
        raise ModelLoadError(
            "onnxruntime cannot load the model", expected="a model onnxruntime can run",
            given=f"{source}: {first_line}",
            fix="run onnx.checker.check_model(model, full_check=True) to find the "
                "problem, or re-export with a supported opset") from exc
    inputs = tuple(
        InputSpec(i.name, i.type, _ORT_TO_NUMPY.get(i.type),
                  tuple(d if isinstance(d, int) and d >= 0 else None for d in i.shape)
                  if i.shape is not None else ())
        for i in session.get_inputs())
    return _Entry(session, inputs, frozenset(i.name for i in inputs),
                  tuple(o.name for o in session.get_outputs()))


def _entry(model, providers=DEFAULT_PROVIDERS, threads=1) -> _Entry:
    entry = _BY_ABSOLUTE_PATH.get((model, providers, threads)) \
        if model.__class__ in _PATH_TYPES else None
    if entry is not None and entry.watch.unchanged():  # fast path: same file again
        return entry
    key = _model_key(model, tuple(providers), threads)
    entry = _SESSIONS.get(key)
    if entry is not None and (entry.watch is None or entry.watch.unchanged()):
        return entry
    _forget(key)
    watch = None
    if key[0] == "path":
        check_model_path(key[1])
        watch = _FileWatch.start(key[1])
    try:
        entry = _create_entry(key[1] if watch else model, tuple(providers), threads)
    except BaseException:
        if watch is not None:
            watch.close()
        raise
    entry.watch = watch
    while len(_SESSIONS) >= _MAX_SESSIONS:
        _forget(next(iter(_SESSIONS)))
    _SESSIONS[key] = entry
    if watch is not None and model.__class__ in _PATH_TYPES and os.path.isabs(model):
        _BY_ABSOLUTE_PATH[(model, key[2], threads)] = entry
    return entry


def session(model, *, providers=DEFAULT_PROVIDERS, threads: int = 1):
    """Return a cached ``onnxruntime.InferenceSession`` for ``model``.

    Sessions are cached per model: a file (a file rewritten or replaced
    since gets a new session), or the serialized bytes of a ``ModelProto``.
    :func:`predict` and :func:`run` use these sessions.

    Parameters
    ----------
    model : path-like, bytes or onnx.ModelProto
    providers : sequence of str, default ("CPUExecutionProvider",)
        Execution providers, in order of preference.
    threads : int, default 1
        onnxruntime's intra-op threads. One thread gives steady latencies,
        a fair comparison with single-threaded scikit-learn, and no fight
        for the cores of a 2-core laptop; 0 means onnxruntime's default
        (one per core), which helps large batches.

    Returns
    -------
    onnxruntime.InferenceSession

    Raises
    ------
    ModelNotFoundError, ModelLoadError
        If the model is missing, not ONNX, or onnxruntime rejects it.

    Examples
    --------
    >>> from onnx import helper, TensorProto
    >>> graph = helper.make_graph([helper.make_node("Neg", ["x"], ["y"])], "neg",
    ...     [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])],
    ...     [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])])
    >>> sess = session(helper.make_model(graph))
    >>> sess.get_providers()
    ['CPUExecutionProvider']
    """
    return _entry(model, tuple(providers), threads).session


def clear_sessions() -> None:
    """Forget every cached session (they are freed once no one else holds them)."""
    for key in list(_SESSIONS):
        _forget(key)


def input_specs(model) -> tuple:
    """Return the model's inputs as :class:`InputSpec` (name, type, dtype, shape).

    Examples
    --------
    >>> from onnx import helper, TensorProto
    >>> graph = helper.make_graph([helper.make_node("Neg", ["x"], ["y"])], "neg",
    ...     [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3])],
    ...     [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 3])])
    >>> input_specs(helper.make_model(graph))[0].describe_shape()
    '(?, 3)'
    """
    return _entry(model).inputs


def _names(specs) -> str:
    return ", ".join(repr(s.name) for s in specs)


def _check_feed(spec: InputSpec, value, cast: str):
    if spec.dtype is None:
        if spec.type.startswith("tensor("):  # bfloat16, float8, int4...: no numpy dtype
            raise InputMismatchError(
                f"onnxruntime's Python API cannot feed input {spec.name!r} from numpy",
                expected=f"a {spec.type} tensor, which numpy has no dtype for",
                given=f"{type(value).__name__}"
                      + (f" of dtype {value.dtype}" if hasattr(value, "dtype") else ""),
                fix="give the model a float input followed by a Cast node to the "
                    "low-precision type, and feed float32")
        return value  # sequences, maps, optionals: onnxruntime checks them
    if spec.dtype == object:  # string tensor
        array = np.asarray(value, dtype=object) if not isinstance(value, np.ndarray) else value
        # onnxruntime turns any other object into a string with str(), so
        # 1 would become "1" and b"abc" "b'abc'": a silent wrong answer.
        not_str = (None if array.dtype.kind == "U" else array.dtype if array.dtype.kind != "O"
                   else next((v for v in array.flat if not isinstance(v, str)), None))
        if not_str is not None:
            given = (f"dtype {not_str}" if isinstance(not_str, np.dtype)
                     else f"an element of type {type(not_str).__name__}: {not_str!r}")
            raise InputMismatchError(
                f"wrong dtype for input {spec.name!r}",
                expected="str elements (tensor(string))", given=given,
                fix="pass a list or array of str, e.g. X.astype(str); decode bytes with "
                    "np.char.decode(X, 'utf-8')")
        if array.dtype.kind != "O":
            array = array.astype(object)
    else:
        array = value if isinstance(value, np.ndarray) else np.asarray(value)
        if array.dtype != spec.dtype:
            if array.dtype.kind in "OUS" or not np.can_cast(array.dtype, spec.dtype, cast):
                raise InputMismatchError(
                    f"wrong dtype for input {spec.name!r}",
                    expected=f"{spec.dtype} ({spec.type})", given=f"dtype {array.dtype}",
                    fix=f"convert first, e.g. X.astype(np.{spec.dtype})")
            array = array.astype(spec.dtype)
    shape = spec.shape
    if array.ndim != len(shape):
        raise InputMismatchError(
            f"wrong number of dimensions for input {spec.name!r}",
            expected=f"{len(shape)}-D array of shape {spec.describe_shape()}",
            given=f"{array.ndim}-D array of shape {array.shape}",
            fix="for a single row use X.reshape(1, -1)" if len(shape) == 2 and array.ndim == 1
            else "reshape the input to match")
    for axis, (want, got) in enumerate(zip(shape, array.shape, strict=True)):
        if want is not None and want != got:
            last = axis == len(shape) - 1 and len(shape) >= 2
            raise InputMismatchError(
                f"wrong number of features for input {spec.name!r}" if last
                else f"wrong size on axis {axis} of input {spec.name!r}",
                expected=f"shape {spec.describe_shape()}" + (f" ({want} features)" if last else ""),
                given=f"shape {array.shape}" + (f" ({got} features)" if last else ""),
                fix="select the same columns the model was trained on" if last
                else "reshape the input to match")
    return array


def _feeds(entry: _Entry, X, cast: str) -> dict:
    specs = entry.inputs
    if isinstance(X, Mapping):
        given = set(X)
        missing = [s.name for s in specs if s.name not in given]
        extra = sorted(given - entry.input_names)
        if missing or extra:
            problem = "unknown input name" if extra and not missing else "missing or unknown inputs"
            raise InputMismatchError(
                problem, expected=f"inputs {_names(specs)}",
                given=f"{', '.join(repr(n) for n in X)}"
                      + (f" (unknown: {', '.join(map(repr, extra))})" if extra else "")
                      + (f" (missing: {', '.join(map(repr, missing))})" if missing else ""),
                fix="use the names from onnxlearn.input_specs(model) "
                    "or session.get_inputs()")
        return {s.name: _check_feed(s, X[s.name], cast) for s in specs}
    if len(specs) != 1:
        raise InputMismatchError(
            "this model has several inputs", expected=f"a dict with keys {_names(specs)}",
            given=f"a single {type(X).__name__}", fix="pass {name: array} for every input")
    spec = specs[0]
    return {spec.name: _check_feed(spec, X, cast)}


def run(model, X, *, cast: str = "same_kind") -> dict:
    """Run ``model`` on checked inputs and return every output by name.

    Parameters
    ----------
    model : path-like, bytes or onnx.ModelProto
    X : array-like or dict of array-like
        The single input's value, or ``{input_name: value}``.
    cast : {"same_kind", "safe", "no"}, default "same_kind"
        numpy casting rule that decides which dtype conversions are allowed
        (see the module docstring).

    Returns
    -------
    dict
        ``{output_name: value}``, in the graph's output order.

    Examples
    --------
    >>> import numpy as np
    >>> from onnx import helper, TensorProto
    >>> graph = helper.make_graph([helper.make_node("Abs", ["x"], ["y"])], "abs",
    ...     [helper.make_tensor_value_info("x", TensorProto.FLOAT, [None])],
    ...     [helper.make_tensor_value_info("y", TensorProto.FLOAT, [None])])
    >>> run(helper.make_model(graph), {"x": [-3.0]})
    {'y': array([3.], dtype=float32)}
    """
    entry = _entry(model)
    values = entry.run(list(entry.output_names), _feeds(entry, X, cast), None)
    return dict(zip(entry.output_names, values, strict=True))


def predict(model, X, *, output=0, cast: str = "same_kind"):
    """Run ``model`` on ``X`` with onnxruntime and return one output.

    The session is created once per model and cached. Inputs are checked
    before the run: names, dtype (see the module's dtype policy), number of
    dimensions and every fixed dimension, such as the number of features.

    Parameters
    ----------
    model : path-like, bytes or onnx.ModelProto
        The model to run.
    X : array-like or dict of array-like
        The single input's value, or ``{input_name: value}`` for several.
    output : int or str, default 0
        Which output to return, by position or name. For a converted
        scikit-learn classifier, output 0 is the predicted label.
    cast : {"same_kind", "safe", "no"}, default "same_kind"
        numpy casting rule deciding which dtype conversions are allowed.

    Returns
    -------
    numpy.ndarray or list
        The requested output.

    Raises
    ------
    InputMismatchError
        Wrong number of features, dtype, rank, or input names.
    ModelNotFoundError, ModelLoadError
        The model is missing, empty, truncated or not ONNX.

    Examples
    --------
    >>> import numpy as np
    >>> from onnx import helper, TensorProto
    >>> graph = helper.make_graph([helper.make_node("Sigmoid", ["x"], ["y"])], "s",
    ...     [helper.make_tensor_value_info("x", TensorProto.FLOAT, [None, 1])],
    ...     [helper.make_tensor_value_info("y", TensorProto.FLOAT, [None, 1])])
    >>> predict(helper.make_model(graph), np.zeros((2, 1)))
    array([[0.5],
           [0.5]], dtype=float32)
    """
    entry = _entry(model)
    # The fast path converts float64 to float32, which only "same_kind" allows.
    feeds = entry.fast_feeds(X) if cast == "same_kind" else None
    if feeds is None:
        feeds = _feeds(entry, X, cast)
    if output.__class__ is int:
        try:
            name = entry.output_names[output]
        except IndexError:
            raise InputMismatchError(
                "output index out of range",
                expected=f"0 to {len(entry.output_names) - 1}", given=str(output),
                fix="pick an index or a name from session.get_outputs()") from None
    elif output in entry.output_names:
        name = output
    else:
        raise InputMismatchError(
            "unknown output name",
            expected=f"one of {', '.join(map(repr, entry.output_names))}",
            given=repr(output), fix="pick a name from session.get_outputs()")
    return entry.run([name], feeds, None)[0]
