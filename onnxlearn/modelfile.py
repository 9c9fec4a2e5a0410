"""Accept a model the way a learner has it: a path, raw bytes or a ModelProto.

Every onnxlearn function that takes a model goes through :func:`load_model`
or :func:`model_bytes`, so a missing, empty, truncated or non-ONNX file gives
the same clear :class:`~onnxlearn.errors.ModelLoadError` everywhere.

Examples
--------
>>> from onnx import helper, TensorProto
>>> graph = helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "g",
...     [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2])],
...     [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2])])
>>> model = load_model(helper.make_model(graph).SerializeToString())
>>> model.graph.node[0].op_type
'Relu'
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Union

ModelLike = Union[str, os.PathLike, bytes, bytearray, "onnx.ModelProto"]  # noqa: F821

_FIX_REBUILD = ("re-export or re-convert the model, or delete the file so the "
                "course rebuilds it")


def describe(model) -> str:
    """A short human description of a model argument, for messages.

    Examples
    --------
    >>> describe(b"abc")
    'bytes (3 bytes)'
    """
    if isinstance(model, (bytes, bytearray)):
        return f"bytes ({len(model)} bytes)"
    if isinstance(model, (str, os.PathLike)):
        return f"path {os.fspath(model)!r}"
    return type(model).__name__


def check_model_path(path) -> Path:
    """Check that ``path`` names a non-empty regular file and return it.

    Raises
    ------
    ModelNotFoundError
        If nothing exists at ``path``.
    ModelLoadError
        If it is a folder or an empty file.

    Examples
    --------
    >>> check_model_path("no/such/model.onnx")
    Traceback (most recent call last):
    ...
    onnxlearn.errors.ModelNotFoundError: model file not found: expected an existing .onnx file, given 'no/such/model.onnx'. Fix: check the path (relative paths start from the notebook's folder), or build the model first.
    """
    from .errors import ModelLoadError, ModelNotFoundError

    path = Path(path)
    if not path.exists():
        raise ModelNotFoundError(
            "model file not found", expected="an existing .onnx file",
            given=repr(os.fspath(path)),
            fix="check the path (relative paths start from the notebook's folder), "
                "or build the model first")
    if path.is_dir():
        raise ModelLoadError(
            "model path is a folder", expected="an .onnx file",
            given=f"the folder {os.fspath(path)!r}",
            fix="pass the path of the .onnx file inside it")
    if path.stat().st_size == 0:
        raise ModelLoadError(
            "model file is empty", expected="a serialized ONNX ModelProto",
            given=f"{os.fspath(path)!r} (0 bytes)", fix=_FIX_REBUILD)
    return path


def parse_model_bytes(data: bytes, *, source: str = "bytes"):
    """Parse serialized bytes into a ``ModelProto``, or raise a clear error.

    Raises
    ------
    ModelLoadError
        If the bytes are empty, not protobuf, protobuf but not a model, or a
        model cut short (an operator domain used but not imported).

    Examples
    --------
    >>> parse_model_bytes(b"not a model")
    Traceback (most recent call last):
    ...
    onnxlearn.errors.ModelLoadError: not an ONNX model: expected a serialized ONNX ModelProto, given bytes (protobuf error: Error parsing message). Fix: re-export or re-convert the model, or delete the file so the course rebuilds it.
    """
    import onnx
    from google.protobuf.message import DecodeError

    from .errors import ModelLoadError

    if not data:
        raise ModelLoadError("model is empty", expected="a serialized ONNX ModelProto",
                             given=f"{source} (0 bytes)", fix=_FIX_REBUILD)
    try:
        model = onnx.load_from_string(bytes(data))
    except (DecodeError, RuntimeError, ValueError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ModelLoadError(
            "not an ONNX model", expected="a serialized ONNX ModelProto",
            given=f"{source} (protobuf error: {reason.split(' with type')[0]})",
            fix=_FIX_REBUILD) from exc
    if model.ir_version <= 0 or not model.HasField("graph"):
        raise ModelLoadError(
            "not an ONNX model", expected="a ModelProto with an ir_version and a graph",
            given=f"{source}, which parses as protobuf but has "
                  f"ir_version={model.ir_version} and "
                  f"{'a graph' if model.HasField('graph') else 'no graph'} "
                  f"(truncated, or another kind of file)",
            fix=_FIX_REBUILD)
    # opset_import is stored after the graph, so a file cut short there still
    # parses: check that every operator domain the graph uses is imported.
    imported = {opset.domain or "ai.onnx" for opset in model.opset_import}
    unimported = sorted({node.domain or "ai.onnx" for node in model.graph.node} - imported)
    if unimported:
        raise ModelLoadError(
            "incomplete ONNX model",
            expected="an opset import for every operator domain the graph uses",
            given=f"{source}, which uses {', '.join(unimported)} without importing it "
                  f"(truncated, or built without opset_imports)",
            fix=_FIX_REBUILD)
    return model


def load_model(model: ModelLike, *, load_external_data: bool = True):
    """Return a ``onnx.ModelProto`` from a path, bytes or a ``ModelProto``.

    Parameters
    ----------
    model : path-like, bytes or onnx.ModelProto
        The model. A ``ModelProto`` is returned as it is (not copied).
    load_external_data : bool, default True
        For a path, also read tensors stored in external-data files.

    Returns
    -------
    onnx.ModelProto

    Raises
    ------
    ModelNotFoundError, ModelLoadError
        For a missing, empty, truncated or non-ONNX model.
    TypeError
        For an argument of another type.
    """
    import onnx

    if isinstance(model, onnx.ModelProto):
        return model
    if isinstance(model, (bytes, bytearray)):
        return parse_model_bytes(model)
    if isinstance(model, (str, os.PathLike)):
        path = check_model_path(model)
        parsed = parse_model_bytes(path.read_bytes(), source=repr(os.fspath(path)))
        if load_external_data:
            from onnx.external_data_helper import load_external_data_for_model

            load_external_data_for_model(parsed, str(path.parent))
        return parsed
    raise TypeError(
        f"model must be a path, bytes or onnx.ModelProto; given {describe(model)}. "
        "Fix: pass the .onnx file's path, or the ModelProto returned by a converter.")


def model_bytes(model: ModelLike) -> bytes:
    """Return a model's serialized bytes, checking it is really an ONNX model.

    Examples
    --------
    >>> from onnx import helper
    >>> blob = model_bytes(helper.make_model(helper.make_graph([], "empty", [], [])))
    >>> isinstance(blob, bytes)
    True
    """
    import onnx

    if isinstance(model, onnx.ModelProto):
        return model.SerializeToString()
    if isinstance(model, (bytes, bytearray)):
        parse_model_bytes(model)
        return bytes(model)
    return load_model(model).SerializeToString()
