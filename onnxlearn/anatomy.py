"""The anatomy of an ONNX model at a glance: :func:`summarize`.

A ``.onnx`` file is one protobuf message, a ``ModelProto``. Its header says
which IR version and which operator sets (opsets) it needs and who produced
it; its ``graph`` declares inputs and outputs, holds the weights
(initializers) and lists the nodes. :func:`summarize` reads any valid model,
not only the course's own, and reports all of that in a few lines, as text,
as HTML in a notebook, or as a JSON-ready dict (``onnxlearn inspect``).

It never reads external-data payloads unless asked: tensor sizes come from
their shapes and the external-data entries, and external files are only
looked up with ``stat``. A model that fails ``onnx.checker`` is still
summarised, and the summary quotes the checker's complaint.

Examples
--------
>>> from onnx import TensorProto, helper
>>> graph = helper.make_graph(
...     [helper.make_node("Relu", ["x"], ["y"])], "relu",
...     [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3])],
...     [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 3])])
>>> model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)])
>>> summary = summarize(model)
>>> summary.inputs[0]
ValueSummary(name='x', type='tensor(float)', shape=('N', 3))
>>> summary.op_types
{'Relu': 1}
>>> summary.checker.valid
True
"""

from __future__ import annotations

import html
import math
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from .dtypes import data_type
from .errors import ModelLoadError, UnknownDataTypeError
from .modelfile import check_model_path, describe, parse_model_bytes

_DEFAULT_DOMAINS = ("", "ai.onnx")
_FIX_MODEL_FILE = "pass the .onnx model file (a serialized ModelProto)"


# --------------------------------------------------------------------------- #
# The summary objects
# --------------------------------------------------------------------------- #
@dataclass(frozen=True)
class ValueSummary:
    """One graph input or output.

    Attributes
    ----------
    name : str
    type : str
        ONNX type in onnxruntime's spelling: ``tensor(float)``,
        ``seq(map(int64,tensor(float)))``, ``optional(tensor(int64))``...
    shape : tuple or None
        For tensors: one entry per dimension, an ``int`` when fixed, the
        dimension's name (``'N'``, ``'batch'``) when symbolic, ``'?'`` when
        unnamed and unknown. ``None`` when the rank is unknown or the value
        is not a tensor.
    """

    name: str
    type: str
    shape: tuple | None

    def shape_text(self) -> str:
        """The shape as ``[N, 4]``; empty for non-tensors, ``[...]`` for unknown rank."""
        if self.shape is None:
            return "[...]" if self.type.startswith(("tensor(", "sparse_tensor(")) else ""
        return "[" + ", ".join(str(dim) for dim in self.shape) + "]"

    def to_dict(self) -> dict:
        return {"name": self.name, "type": self.type,
                "shape": None if self.shape is None else list(self.shape)}


@dataclass(frozen=True)
class InitializerSummary:
    """The weights stored in the model (initializers of every graph and subgraph).

    Attributes
    ----------
    count : int
        Dense initializers (sparse ones are counted in ``sparse_count``).
    parameters : int
        Total number of elements.
    bytes_by_dtype : dict
        Storage bytes per element type, e.g. ``{'float': 1024}``.
    sparse_count : int
    """

    count: int = 0
    parameters: int = 0
    bytes_by_dtype: dict = field(default_factory=dict)
    sparse_count: int = 0

    @property
    def total_bytes(self) -> int:
        return sum(self.bytes_by_dtype.values())

    def to_dict(self) -> dict:
        return {"count": self.count, "parameters": self.parameters,
                "bytes_by_dtype": dict(sorted(self.bytes_by_dtype.items())),
                "total_bytes": self.total_bytes, "sparse_count": self.sparse_count}


@dataclass(frozen=True)
class ExternalDataSummary:
    """Tensors whose bytes live in files next to the .onnx file.

    Attributes
    ----------
    tensor_count : int
        Initializers (or Constant values) stored externally.
    bytes : int
        Their total size, from the external-data ``length`` entries or shapes.
    files : dict
        ``{file name as written in the model: size in bytes, or None when
        the file is missing or unknown (model given as bytes or ModelProto)}``.
    loaded : bool
        Whether the payloads were read (``summarize(..., load_external_data=True)``).
    problems : tuple of str
        Missing files, or files shorter than the model says.
    """

    tensor_count: int = 0
    bytes: int = 0
    files: dict = field(default_factory=dict)
    loaded: bool = False
    problems: tuple = ()

    @property
    def used(self) -> bool:
        return self.tensor_count > 0

    def to_dict(self) -> dict:
        return {"used": self.used, "tensor_count": self.tensor_count, "bytes": self.bytes,
                "files": dict(sorted(self.files.items())), "loaded": self.loaded,
                "problems": list(self.problems)}


@dataclass(frozen=True)
class CheckerVerdict:
    """What ``onnx.checker.check_model`` said: ``valid`` and its complaint, if any."""

    valid: bool
    message: str | None = None

    def to_dict(self) -> dict:
        return {"valid": self.valid, "message": self.message}

    def __str__(self) -> str:
        return "valid" if self.valid else "INVALID: " + " ".join(str(self.message).split())


@dataclass(frozen=True)
class ModelSummary:
    """Everything :func:`summarize` found in a model. Print it, display it, or ``to_dict()`` it.

    Attributes
    ----------
    source : str
        ``"file"``, ``"bytes"`` or ``"ModelProto"``.
    file_name : str or None
        The file's name (not its folder) when summarised from a path.
    size_bytes : int
        Size of the .onnx file, or of the serialized model.
    header : dict
        ``ir_version``, ``opsets`` (``{domain: version}``), ``producer_name``,
        ``producer_version``, ``domain``, ``model_version``, ``doc_string``,
        ``metadata`` (``metadata_props`` as a dict) and ``graph_name``.
    inputs, outputs : tuple of ValueSummary
    op_types : dict
        ``{op type: count}`` over the main graph, every subgraph (If, Loop,
        Scan bodies) and every local function. Operators outside the default
        domain are prefixed with it: ``ai.onnx.ml.TreeEnsembleClassifier``.
    node_counts : dict
        ``graph`` (main graph), ``subgraphs``, ``functions`` and ``total``.
    subgraph_count : int
        Graph-valued attributes found, at any depth.
    functions : tuple of str
        Local functions defined in the model, as ``domain.name``.
    value_info_count : int
        Intermediate values whose type is recorded in the main graph.
    initializers : InitializerSummary
    external_data : ExternalDataSummary
    checker : CheckerVerdict
    """

    source: str
    file_name: str | None
    size_bytes: int
    header: dict
    inputs: tuple
    outputs: tuple
    op_types: dict
    node_counts: dict
    subgraph_count: int
    functions: tuple
    value_info_count: int
    initializers: InitializerSummary
    external_data: ExternalDataSummary
    checker: CheckerVerdict

    def to_dict(self) -> dict:
        """A JSON-ready dict; the same model always gives the same dict."""
        return {
            "source": self.source, "file_name": self.file_name, "size_bytes": self.size_bytes,
            "header": {**self.header, "opsets": dict(sorted(self.header["opsets"].items())),
                       "metadata": dict(sorted(self.header["metadata"].items()))},
            "inputs": [value.to_dict() for value in self.inputs],
            "outputs": [value.to_dict() for value in self.outputs],
            "op_types": dict(sorted(self.op_types.items())),
            "node_counts": dict(self.node_counts), "subgraph_count": self.subgraph_count,
            "functions": list(self.functions), "value_info_count": self.value_info_count,
            "initializers": self.initializers.to_dict(),
            "external_data": self.external_data.to_dict(),
            "checker": self.checker.to_dict(),
        }

    # -- text ------------------------------------------------------------- #
    def _title(self) -> str:
        if self.file_name:
            return f"ONNX model {self.file_name} ({self.size_bytes:,} bytes)"
        source = "a ModelProto" if self.source == "ModelProto" else self.source
        return f"ONNX model from {source} ({self.size_bytes:,} bytes serialized)"

    def _opsets_text(self) -> str:
        return ", ".join(f"{domain or 'ai.onnx'} {version}"
                         for domain, version in sorted(self.header["opsets"].items())) or "none"

    def _op_rows(self) -> list:
        return sorted(self.op_types.items(), key=lambda item: (-item[1], item[0]))

    def __repr__(self) -> str:
        h = self.header
        producer = " ".join(p for p in (h["producer_name"], h["producer_version"]) if p)
        lines = [
            self._title(),
            f"  IR version {h['ir_version']}, opsets: {self._opsets_text()}",
            f"  producer: {producer or '-'}, domain: {h['domain'] or '-'}, "
            f"model_version: {h['model_version']}, graph: {h['graph_name'] or '-'}",
        ]
        if h["doc_string"]:
            lines.append(f"  doc_string: {_shorten(h['doc_string'], 70)}")
        if h["metadata"]:
            pairs = ", ".join(f"{k}={_shorten(v, 30)}" for k, v in sorted(h["metadata"].items()))
            lines.append(f"  metadata: {pairs}")
        for title, values in (("Inputs", self.inputs), ("Outputs", self.outputs)):
            lines.append(f"{title} ({len(values)})")
            width = max((len(v.name) for v in values), default=0)
            lines += [f"  {v.name:<{width}}  {v.type} {v.shape_text()}".rstrip() for v in values]
        counts = self.node_counts
        lines.append(f"Nodes: {counts['total']} (main graph {counts['graph']}, "
                     f"subgraphs {counts['subgraphs']}, functions {counts['functions']})")
        width = max((len(op) for op in self.op_types), default=0)
        lines += [f"  {op:<{width}}  {n}" for op, n in self._op_rows()]
        if self.functions:
            lines.append(f"Local functions: {', '.join(self.functions)}")
        init = self.initializers
        by_dtype = ", ".join(f"{dtype} {_bytes_text(n)}"
                             for dtype, n in sorted(init.bytes_by_dtype.items()))
        lines.append(f"Initializers: {init.count} tensors, {init.parameters:,} parameters, "
                     f"{_bytes_text(init.total_bytes)}" + (f" ({by_dtype})" if by_dtype else "")
                     + (f", {init.sparse_count} sparse" if init.sparse_count else ""))
        ext = self.external_data
        if ext.used:
            files = ", ".join(f"{name} ({'missing' if size is None else _bytes_text(size)})"
                              for name, size in sorted(ext.files.items()))
            lines.append(f"External data: {ext.tensor_count} tensors, {_bytes_text(ext.bytes)}"
                         f" in {files}")
            lines += [f"  problem: {problem}" for problem in ext.problems]
        else:
            lines.append("External data: none")
        lines.append(f"Checker: {self.checker}")
        return "\n".join(lines)

    # -- HTML ------------------------------------------------------------- #
    def _repr_html_(self) -> str:
        esc = html.escape
        h = self.header
        header_rows = [
            ("IR version", h["ir_version"]), ("opsets", self._opsets_text()),
            ("producer", f"{h['producer_name']} {h['producer_version']}".strip() or "-"),
            ("domain", h["domain"] or "-"), ("model_version", h["model_version"]),
            ("graph", h["graph_name"] or "-"),
        ]
        if h["doc_string"]:
            header_rows.append(("doc_string", _shorten(h["doc_string"], 200)))
        header_rows += [(f"metadata: {k}", v) for k, v in sorted(h["metadata"].items())]

        def table(head, rows):
            cells = "".join(f"<th style='text-align:left'>{esc(str(c))}</th>" for c in head)
            body = "".join("<tr>" + "".join(f"<td style='text-align:left'>{esc(str(c))}</td>"
                                            for c in row) + "</tr>" for row in rows)
            return f"<table><thead><tr>{cells}</tr></thead><tbody>{body}</tbody></table>"

        io_rows = ([("input", v.name, v.type, v.shape_text()) for v in self.inputs]
                   + [("output", v.name, v.type, v.shape_text()) for v in self.outputs])
        init = self.initializers
        ext = self.external_data
        weights = [("initializers", init.count), ("parameters", f"{init.parameters:,}")]
        weights += [(f"bytes ({dtype})", _bytes_text(n))
                    for dtype, n in sorted(init.bytes_by_dtype.items())]
        weights.append(("external data", "none" if not ext.used else
                        f"{ext.tensor_count} tensors in {', '.join(sorted(ext.files))}"))
        weights += [("problem", p) for p in ext.problems]
        colour = "green" if self.checker.valid else "#b00"
        counts = self.node_counts
        return (
            f"<div><b>{esc(self._title())}</b>"
            f"<p style='color:{colour}'>Checker: {esc(str(self.checker))}</p>"
            + table(("", ""), header_rows)
            + table(("", "name", "type", "shape"), io_rows)
            + f"<p>Nodes: {counts['total']} (main graph {counts['graph']}, subgraphs "
              f"{counts['subgraphs']}, functions {counts['functions']})</p>"
            + table(("op type", "count"), self._op_rows())
            + table(("weights", ""), weights) + "</div>")


def _shorten(text: str, width: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _bytes_text(n: int) -> str:
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} B"


# --------------------------------------------------------------------------- #
# Reading the parts of a model
# --------------------------------------------------------------------------- #
def element_type_name(elem_type: int) -> str:
    """The name of an ONNX element type, as onnxruntime writes it (``1`` -> ``'float'``).

    Examples
    --------
    >>> element_type_name(1), element_type_name(7), element_type_name(999)
    ('float', 'int64', 'elem_type 999')
    """
    from onnx import TensorProto

    try:
        return TensorProto.DataType.Name(elem_type).lower()
    except ValueError:
        return f"elem_type {elem_type}"


def type_text(type_proto) -> str:
    """Spell a ``TypeProto`` the way onnxruntime does: ``seq(map(int64,tensor(float)))``.

    Examples
    --------
    >>> from onnx import TensorProto, helper
    >>> type_text(helper.make_sequence_type_proto(
    ...     helper.make_tensor_type_proto(TensorProto.FLOAT, None)))
    'seq(tensor(float))'
    """
    kind = type_proto.WhichOneof("value")
    if kind == "tensor_type":
        return f"tensor({element_type_name(type_proto.tensor_type.elem_type)})"
    if kind == "sparse_tensor_type":
        return f"sparse_tensor({element_type_name(type_proto.sparse_tensor_type.elem_type)})"
    if kind == "sequence_type":
        return f"seq({type_text(type_proto.sequence_type.elem_type)})"
    if kind == "map_type":
        key = element_type_name(type_proto.map_type.key_type)
        return f"map({key},{type_text(type_proto.map_type.value_type)})"
    if kind == "optional_type":
        return f"optional({type_text(type_proto.optional_type.elem_type)})"
    if kind == "opaque_type":
        opaque = type_proto.opaque_type
        return f"opaque({'.'.join(p for p in (opaque.domain, opaque.name) if p)})"
    return "unknown"


def _shape(type_proto) -> tuple | None:
    kind = type_proto.WhichOneof("value")
    if kind not in ("tensor_type", "sparse_tensor_type"):
        return None
    tensor = getattr(type_proto, kind)
    if not tensor.HasField("shape"):
        return None
    return tuple(dim.dim_value if dim.HasField("dim_value")
                 else (dim.dim_param or "?") if dim.HasField("dim_param") else "?"
                 for dim in tensor.shape.dim)


def _value(value_info) -> ValueSummary:
    return ValueSummary(value_info.name, type_text(value_info.type), _shape(value_info.type))


def _subgraphs(node):
    from onnx import AttributeProto

    for attribute in node.attribute:
        if attribute.type == AttributeProto.GRAPH:
            yield attribute.g
        elif attribute.type == AttributeProto.GRAPHS:
            yield from attribute.graphs


def _op_name(node) -> str:
    return node.op_type if node.domain in _DEFAULT_DOMAINS else f"{node.domain}.{node.op_type}"


def _walk_nodes(nodes, histogram: Counter, graphs: list) -> int:
    """Count ``nodes`` and, recursively, those of their subgraphs; collect the subgraphs."""
    count = 0
    for node in nodes:
        histogram[_op_name(node)] += 1
        count += 1
        for graph in _subgraphs(node):
            graphs.append(graph)
            count += _walk_nodes(graph.node, histogram, graphs)
    return count


def _numel(dims) -> int:
    return math.prod(dims) if dims else 1


def _tensor_bytes(tensor, numel: int) -> int:
    from onnx import TensorProto

    if tensor.data_location == TensorProto.EXTERNAL:
        entries = {entry.key: entry.value for entry in tensor.external_data}
        if entries.get("length", "").isdigit():
            return int(entries["length"])
    elif tensor.HasField("raw_data"):
        return len(tensor.raw_data)
    if tensor.data_type == TensorProto.STRING:
        return sum(len(s) for s in tensor.string_data)
    try:
        bits = data_type(tensor.data_type).bits or 0
    except UnknownDataTypeError:  # an element type this onnx does not know
        bits = 0
    return math.ceil(numel * bits / 8)


def _initializers(graphs: list) -> tuple:
    """(InitializerSummary, external tensors) over every graph."""
    from onnx import TensorProto

    count = parameters = sparse = 0
    by_dtype: Counter = Counter()
    external = []

    def add_bytes(tensor) -> None:
        dtype = element_type_name(tensor.data_type)
        by_dtype[dtype] += _tensor_bytes(tensor, _numel(tensor.dims))
        if tensor.data_location == TensorProto.EXTERNAL:
            external.append(tensor)

    for graph in graphs:
        for tensor in graph.initializer:
            count += 1
            parameters += _numel(tensor.dims)
            add_bytes(tensor)
        for sparse_tensor in graph.sparse_initializer:
            sparse += 1
            parameters += _numel(sparse_tensor.dims)
            add_bytes(sparse_tensor.values)
            add_bytes(sparse_tensor.indices)
        for node in graph.node:  # Constant nodes may point at external data too
            for attribute in node.attribute:
                if attribute.HasField("t") and attribute.t.data_location == TensorProto.EXTERNAL:
                    external.append(attribute.t)
    summary = InitializerSummary(count=count, parameters=parameters,
                                 bytes_by_dtype=dict(by_dtype), sparse_count=sparse)
    return summary, external


def _external_data(tensors: list, folder: Path | None) -> ExternalDataSummary:
    """Sizes and problems of external files, found with ``stat`` only."""
    needed: dict = {}
    total = 0
    for tensor in tensors:
        entries = {entry.key: entry.value for entry in tensor.external_data}
        location = entries.get("location", "")
        offset = int(entries.get("offset", "0") or 0)
        length = entries.get("length", "")
        if length.isdigit():
            size = int(length)
        else:
            size = _tensor_bytes(tensor, _numel(tensor.dims))
        total += size
        needed[location] = max(needed.get(location, 0), offset + size)
    files, problems = {}, []
    for location, end in sorted(needed.items()):
        if folder is None:
            files[location] = None
            continue
        target = folder / location
        if not target.is_file():
            files[location] = None
            problems.append(f"external file {location!r} is missing next to the model")
            continue
        files[location] = target.stat().st_size
        if files[location] < end:
            problems.append(f"external file {location!r} has {files[location]} bytes, "
                            f"the model needs {end}")
    return ExternalDataSummary(tensor_count=len(tensors), bytes=total, files=files,
                               problems=tuple(problems))


def _load_external_payloads(proto, folder: Path,
                            external: ExternalDataSummary) -> ExternalDataSummary:
    """Read every external payload, so that unreadable ones show up as problems."""
    from dataclasses import replace

    from onnx.external_data_helper import load_external_data_for_model

    try:
        load_external_data_for_model(proto, os.fspath(folder))
    except Exception as exc:  # reported in the summary, like the checker's verdict
        reason = str(exc).replace(os.fspath(folder) + os.sep, "")
        return replace(external, problems=external.problems
                       + (f"reading external data failed: {type(exc).__name__}: {reason}",))
    return replace(external, loaded=True)


def _check(model, path: Path | None, full_check: bool) -> CheckerVerdict:
    import onnx

    try:
        if path is not None:
            # From the path the checker also verifies external-data files, and
            # works above protobuf's 2 GB limit.
            onnx.checker.check_model(os.fspath(path), full_check=full_check)
        else:
            onnx.checker.check_model(model, full_check=full_check)
    except Exception as exc:  # the verdict, whatever the complaint, is part of the summary
        message = str(exc).strip() or type(exc).__name__
        if path is not None:
            message = message.replace(os.fspath(path.resolve().parent) + os.sep, "")
            message = message.replace(os.fspath(path.parent) + os.sep, "")
        return CheckerVerdict(False, message)
    return CheckerVerdict(True)


# --------------------------------------------------------------------------- #
# Loading, with a diagnosis when the input is not a model
# --------------------------------------------------------------------------- #
def _identify_proto(data: bytes) -> str | None:
    """Name the ONNX message that ``data`` really holds, if it is one but not a model."""
    import onnx
    from google.protobuf.message import DecodeError

    candidates = (
        ("a GraphProto (a graph without its model)", onnx.GraphProto,
         lambda g: len(g.node) + len(g.input) + len(g.output) > 0),
        ("a TensorProto (one tensor, e.g. test data or an exported weight)", onnx.TensorProto,
         lambda t: t.data_type > 0 and (t.HasField("raw_data") or len(t.dims) > 0)),
        ("a NodeProto (a single node)", onnx.NodeProto, lambda n: bool(n.op_type)),
        ("a FunctionProto (a function without its model)", onnx.FunctionProto,
         lambda f: bool(f.name) and len(f.node) > 0),
    )
    for label, message_type, plausible in candidates:
        message = message_type()
        try:
            message.ParseFromString(data)
        except (DecodeError, RuntimeError, ValueError):
            continue
        message.DiscardUnknownFields()
        # Every byte understood (no unknown fields) and the content makes sense.
        if message.ByteSize() == len(data) and plausible(message):
            return label
    return None


def _starts_like_a_model(data: bytes) -> bool:
    # Exporters write ir_version (field 1, a small varint) first: bytes 0x08, 1..15.
    return len(data) >= 2 and data[0] == 0x08 and 1 <= data[1] <= 15


def _complete_model_or_none(data: bytes):
    """The model in ``data`` if protobuf reads all of it as a model with a graph."""
    import onnx

    model = onnx.ModelProto()
    try:
        model.ParseFromString(data)
    except Exception:  # not protobuf at all: the caller explains
        return None
    whole = model.ir_version > 0 and model.HasField("graph") and len(model.opset_import) > 0
    return model if whole else None


def _parse(data: bytes, source: str):
    try:
        return parse_model_bytes(data, source=source)
    except ModelLoadError as exc:
        complete = _complete_model_or_none(data)
        if complete is not None:
            return complete  # a whole model that breaks a rule: the checker will say which
        found = _identify_proto(data)
        if found is None and _starts_like_a_model(data):
            raise ModelLoadError(
                "ONNX model file is truncated", expected="a complete serialized ModelProto",
                given=f"{source} ({len(data):,} bytes), which starts like an ONNX model "
                      f"(ir_version {data[1]}) but ends early",
                fix="the file was cut short (interrupted download or copy, full disk): "
                    "download, copy or export it again") from exc
        if found is None:
            raise
        fix = ("wrap it: onnx.helper.make_model(graph, opset_imports=[...])"
               if "GraphProto" in found else _FIX_MODEL_FILE)
        raise ModelLoadError("protobuf, but not an ONNX model",
                             expected="a serialized ModelProto",
                             given=f"{source}, which holds {found}", fix=fix) from exc


def _folder_error(path: Path) -> ModelLoadError:
    candidates = sorted(p.name for p in path.glob("*.onnx"))[:5]
    fix = (f"pass one of the .onnx files inside it: {', '.join(candidates)}" if candidates
           else "pass the path of an .onnx file; this folder holds none "
                "(a framework's saved-model folder must be exported to ONNX first)")
    return ModelLoadError("model path is a folder", expected="an .onnx file",
                          given=f"the folder {path.name or os.fspath(path)!r}", fix=fix)


def _load(model):
    """Return (ModelProto, path or None, size in bytes, source)."""
    import onnx

    if isinstance(model, onnx.ModelProto):
        return model, None, model.ByteSize(), "ModelProto"
    if isinstance(model, (bytes, bytearray)):
        return _parse(bytes(model), "bytes"), None, len(model), "bytes"
    if isinstance(model, (str, os.PathLike)):
        path = Path(model)
        if path.is_dir():
            raise _folder_error(path)
        path = check_model_path(path)
        data = path.read_bytes()
        return _parse(data, repr(path.name)), path, len(data), "file"
    raise TypeError(
        f"model must be a path, bytes or onnx.ModelProto; given {describe(model)}. "
        "Fix: pass the .onnx file's path, or the ModelProto returned by a converter.")


# --------------------------------------------------------------------------- #
# The public function
# --------------------------------------------------------------------------- #
def summarize(model, *, load_external_data: bool = False,
              full_check: bool = False) -> ModelSummary:
    """Summarise any ONNX model: header, inputs and outputs, operators, weights, checker.

    Parameters
    ----------
    model : path-like, bytes or onnx.ModelProto
        The model. A ``ModelProto`` is read, never modified.
    load_external_data : bool, default False
        Read external-data payloads too (only for a path). By default their
        sizes come from the model and the files are only looked up.
    full_check : bool, default False
        Passed to ``onnx.checker.check_model``: also run strict shape inference.

    Returns
    -------
    ModelSummary
        Its ``repr`` is a text report, a notebook shows it as HTML, and
        ``to_dict()`` gives a JSON-ready dict.

    Raises
    ------
    ModelNotFoundError
        If the path does not exist.
    ModelLoadError
        If the path is a folder, or the file or bytes are empty, truncated,
        not protobuf, or protobuf but not a model (a graph, a tensor...).
    TypeError
        If ``model`` is none of the accepted types.

    Examples
    --------
    >>> import onnxlearn
    >>> summary = onnxlearn.summarize(onnxlearn.iris_forest().onnx_path)
    >>> summary.header["producer_name"], summary.checker.valid
    ('skl2onnx', True)
    >>> summary.op_types["ai.onnx.ml.TreeEnsembleClassifier"]
    1
    >>> [(v.name, v.type, v.shape) for v in summary.inputs]
    [('float_input', 'tensor(float)', ('?', 4))]
    """
    proto, path, size, source = _load(model)
    graph = proto.graph

    histogram: Counter = Counter()
    subgraphs: list = []
    in_graph = len(graph.node)
    in_subgraphs = _walk_nodes(graph.node, histogram, subgraphs) - in_graph
    function_graphs: list = []
    in_functions = sum(_walk_nodes(function.node, histogram, function_graphs)
                       for function in proto.functions)

    initializers, external_tensors = _initializers([graph, *subgraphs, *function_graphs])
    folder = path.parent if path is not None else None
    external = _external_data(external_tensors, folder)
    if load_external_data and external.used and folder is not None:
        external = _load_external_payloads(proto, folder, external)
    checker = _check(proto, path, full_check)
    if not checker.valid and external.used and path is None:
        checker = CheckerVerdict(False, f"{checker.message} (this model keeps tensors in "
                                        "external files: summarize its path so the checker "
                                        "can find them)")

    header = {
        "ir_version": proto.ir_version,
        "opsets": {opset.domain: opset.version for opset in proto.opset_import},
        "producer_name": proto.producer_name, "producer_version": proto.producer_version,
        "domain": proto.domain, "model_version": proto.model_version,
        "doc_string": proto.doc_string,
        "metadata": {prop.key: prop.value for prop in proto.metadata_props},
        "graph_name": graph.name,
    }
    return ModelSummary(
        source=source, file_name=path.name if path is not None else None, size_bytes=size,
        header=header,
        inputs=tuple(_value(v) for v in graph.input),
        outputs=tuple(_value(v) for v in graph.output),
        op_types=dict(histogram),
        node_counts={"graph": in_graph, "subgraphs": in_subgraphs,
                     "functions": in_functions,
                     "total": in_graph + in_subgraphs + in_functions},
        subgraph_count=len(subgraphs) + len(function_graphs),
        functions=tuple(f"{f.domain}.{f.name}" if f.domain else f.name
                        for f in proto.functions),
        value_info_count=len(graph.value_info),
        initializers=initializers, external_data=external,
        checker=checker,
    )
