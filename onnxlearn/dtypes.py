"""Every ONNX tensor element type: its numpy counterpart, its size, and runtime support.

The table is generated from the installed ``onnx`` package
(``onnx.TensorProto.DataType`` and ``onnx.helper.tensor_dtype_to_np_dtype``),
so a type added by a new onnx release appears here by itself.

``numpy`` column
    numpy's own dtype for the type, or ``None`` (shown as "none") where numpy
    has no such dtype. For those types onnx's helper returns an extension
    dtype from the ``ml_dtypes`` package (bfloat16, float8, int4...); they are
    listed separately, because onnxruntime's Python API cannot take or return
    arrays of them.
``bits``
    Bits per element as ONNX stores them (4-bit types pack two per byte);
    ``None`` for strings, whose size varies.
``category``
    ``float``, ``int``, ``bool``, ``string``, ``complex``, or one of the
    low-precision families ``float8``, ``float6``, ``float4``, ``int4`` and
    ``int2`` (unsigned variants included).

The live probe (:func:`probe_dtypes`) builds tiny models for each type and
runs them on onnxruntime's CPU provider: ``Identity``, ``Cast`` from and to
float, and ``Add`` where the ONNX specification allows it. It records
"supported", "unsupported" with onnxruntime's reason, or "n/a" where the
specification does not define the operator for the type. Its results are
cached per onnxruntime version, in memory and in ``models/``.

Examples
--------
>>> data_type("bfloat16").bits, data_type("bfloat16").numpy_dtype is None
(16, True)
>>> [t.name for t in data_types() if t.category == "int4"]
['UINT4', 'INT4']
"""

from __future__ import annotations

import difflib
import html
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from .errors import CacheNotWritableError, UnknownDataTypeError
from .texttable import aligned_text

#: The low-precision categories.
LOW_PRECISION = frozenset({"float8", "float6", "float4", "int4", "int2"})
#: What the probe runs for each type, in table order, with column labels.
CHECKS = {"identity": "Identity", "cast_from_float": "Cast float→T",
          "cast_to_float": "Cast T→float", "add": "Add"}
#: Bump when the probe's models change, so cached results are recomputed.
PROBE_RECIPE = 1


@dataclass(frozen=True)
class DataType:
    """One ONNX tensor element type (a value of ``onnx.TensorProto.DataType``).

    Attributes
    ----------
    name : str
        The enum name, e.g. ``"FLOAT"``.
    value : int
        The enum value stored in model files, e.g. ``1``.
    numpy_dtype : numpy.dtype or None
        numpy's own dtype for it; ``None`` where numpy has none.
    helper_dtype : numpy.dtype or None
        What ``onnx.helper.tensor_dtype_to_np_dtype`` returns: the same as
        ``numpy_dtype``, or an ``ml_dtypes`` extension dtype.
    bits : int or None
        Bits per element; ``None`` for strings.
    category : str
        ``float``, ``int``, ``bool``, ``string``, ``complex``, ``float8``,
        ``float6``, ``float4``, ``int4`` or ``int2``.
    """

    name: str
    value: int
    numpy_dtype: np.dtype | None
    helper_dtype: np.dtype | None
    bits: int | None
    category: str

    @property
    def onnx_type(self) -> str:
        """The type as onnx and onnxruntime spell it, e.g. ``"tensor(float)"``."""
        return f"tensor({self.name.lower()})"

    @property
    def low_precision(self) -> bool:
        """True for the float8, float6, float4, int4 and int2 families."""
        return self.category in LOW_PRECISION

    @property
    def numpy_name(self) -> str:
        """numpy's dtype name, or ``"none"``."""
        return "none" if self.numpy_dtype is None else str(self.numpy_dtype)

    @property
    def ml_dtypes_name(self) -> str | None:
        """The ``ml_dtypes`` dtype onnx uses where numpy has none, else ``None``."""
        if self.numpy_dtype is None and self.helper_dtype is not None:
            return str(self.helper_dtype)
        return None


def _bits(name: str, dtype: np.dtype | None) -> int | None:
    if name == "STRING":
        return None
    if dtype is None:  # a type newer than onnx's numpy mapping: trust the name
        digits = re.search(r"\d+", name)
        return int(digits.group()) if digits else None
    if dtype.kind in "bc":
        return dtype.itemsize * 8
    import ml_dtypes

    for info in (ml_dtypes.finfo, ml_dtypes.iinfo):
        try:
            return int(info(dtype).bits)
        except (TypeError, ValueError):
            continue
    return dtype.itemsize * 8


def _category(name: str, bits: int | None) -> str:
    if name in ("STRING", "BOOL"):
        return name.lower()
    if name.startswith("COMPLEX"):
        return "complex"
    if re.fullmatch(r"U?INT\d+", name):
        return "int" if bits is None or bits >= 8 else f"int{bits}"
    if name == "DOUBLE" or "FLOAT" in name:
        return "float" if bits is None or bits >= 16 else f"float{bits}"
    return "other"


@lru_cache(maxsize=1)
def data_types() -> tuple:
    """Every element type of the installed onnx, except ``UNDEFINED``, by enum value.

    Returns
    -------
    tuple of DataType

    Examples
    --------
    >>> first = data_types()[0]
    >>> first.name, first.value, first.numpy_name, first.bits, first.category
    ('FLOAT', 1, 'float32', 32, 'float')
    """
    from onnx import TensorProto, helper

    rows = []
    for name, value in TensorProto.DataType.items():
        if value == TensorProto.UNDEFINED:
            continue
        try:
            helper_dtype = np.dtype(helper.tensor_dtype_to_np_dtype(value))
        except (KeyError, ValueError, TypeError):
            helper_dtype = None
        # numpy's own dtypes are "builtin" (1) or object (1); extension dtypes
        # registered by ml_dtypes are user-defined (2).
        numpy_dtype = helper_dtype if helper_dtype is not None and helper_dtype.isbuiltin != 2 \
            else None
        bits = _bits(name, helper_dtype)
        rows.append(DataType(name, int(value), numpy_dtype, helper_dtype, bits,
                             _category(name, bits)))
    return tuple(sorted(rows, key=lambda row: row.value))


def _names() -> list:
    return [t.name for t in data_types()]


def _unknown(given: str, suggestion: str | None = None) -> UnknownDataTypeError:
    fix = "use one of the names listed (any case), or an enum value such as 1"
    if suggestion:
        fix = f"did you mean {suggestion!r}? Otherwise {fix}"
    return UnknownDataTypeError(
        "unknown ONNX element type",
        expected=f"one of {', '.join(_names())}", given=given, fix=fix)


def data_type(key) -> DataType:
    """Look up one element type by name, enum value or numpy dtype.

    Parameters
    ----------
    key : str, int, numpy dtype or DataType
        A name as in ``onnx.TensorProto`` in any case (``"float16"``,
        ``"FLOAT16"``, ``"tensor(float16)"``), an enum value (``10``), or a
        numpy dtype (``np.float16``).

    Returns
    -------
    DataType

    Raises
    ------
    UnknownDataTypeError
        For a name or value that is not an element type; the message lists
        the valid names.

    Examples
    --------
    >>> data_type("float16").value
    10
    >>> data_type(np.int8).name
    'INT8'
    >>> data_type("flaot16")
    Traceback (most recent call last):
    ...
    onnxlearn.errors.UnknownDataTypeError: unknown ONNX element type: expected one of FLOAT, ...
    """
    if isinstance(key, DataType):
        return key
    by_name = {t.name: t for t in data_types()}
    if isinstance(key, str):
        name = key.strip()
        name = re.sub(r"^tensor\((.*)\)$", r"\1", name)
        name = re.sub(r"^(onnx\.)?TensorProto\.", "", name).upper()
        if name in by_name:
            return by_name[name]
        close = difflib.get_close_matches(name, list(by_name), n=1, cutoff=0.6)
        suggestion = close[0] if close else None
        try:  # a numpy name such as "float32"?
            suggestion = data_type(np.dtype(key.strip())).name
        except (TypeError, UnknownDataTypeError):
            pass
        raise _unknown(repr(key), suggestion)
    if isinstance(key, (int, np.integer)) and not isinstance(key, bool):
        for row in data_types():
            if row.value == int(key):
                return row
        raise _unknown(f"the value {int(key)}" + (" (UNDEFINED)" if int(key) == 0 else ""))
    if key is None:  # np.dtype(None) would quietly mean float64
        raise _unknown("None")
    try:
        dtype = np.dtype(key)
    except TypeError:
        raise _unknown(f"{type(key).__name__} {key!r}") from None
    for row in data_types():
        if row.helper_dtype is not None and row.helper_dtype == dtype:
            return row
    raise _unknown(f"numpy dtype {dtype}")


# ---------------------------------------------------------------- the probe

@dataclass(frozen=True)
class CheckResult:
    """The outcome of one probe model: ``status`` and, unless supported, the reason.

    ``status`` is ``"supported"``, ``"unsupported"`` (onnxruntime refused
    or returned wrong values) or ``"n/a"`` (the ONNX specification does not
    define the operator for this type).
    """

    status: str
    reason: str = ""


@dataclass(frozen=True)
class ProbeResult:
    """What onnxruntime's CPU provider did with one element type.

    Attributes
    ----------
    name : str
        The element type's name.
    opset : int
        The opset of the probe models: the course's, or the first opset that
        defines the type, whichever is later.
    checks : dict
        ``{check: CheckResult}`` for each key of :data:`CHECKS`.
    """

    name: str
    opset: int
    checks: dict

    @property
    def status(self) -> str:
        """``"supported"`` (every applicable check ran), ``"partial"`` or ``"unsupported"``."""
        applicable = [c.status for c in self.checks.values() if c.status != "n/a"]
        if applicable and all(s == "supported" for s in applicable):
            return "supported"
        return "partial" if "supported" in applicable else "unsupported"

    @property
    def reason(self) -> str:
        """The first failing check and onnxruntime's reason, or ``""``."""
        for check, result in self.checks.items():
            if result.status == "unsupported":
                return f"{CHECKS[check]}: {result.reason}"
        return ""


@dataclass(frozen=True)
class DtypeProbe:
    """Probe results for every element type, for one onnxruntime version."""

    onnxruntime_version: str
    onnx_version: str
    results: dict  # name -> ProbeResult

    def __getitem__(self, name) -> ProbeResult:
        return self.results[data_type(name).name]

    def names(self, status: str = "supported") -> list:
        """Names of the types whose overall status is ``status``, by enum value.

        Examples
        --------
        >>> "FLOAT" in probe_dtypes().names("supported")
        True
        """
        return [name for name, result in self.results.items() if result.status == status]

    def to_json(self) -> str:
        return json.dumps({
            "onnxruntime": self.onnxruntime_version, "onnx": self.onnx_version,
            "results": {name: {"opset": r.opset,
                               "checks": {c: [v.status, v.reason] for c, v in r.checks.items()}}
                        for name, r in self.results.items()}}, indent=1, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> DtypeProbe:
        data = json.loads(text)
        results = {name: ProbeResult(name, int(r["opset"]),
                                     {c: CheckResult(*v) for c, v in r["checks"].items()})
                   for name, r in data["results"].items()}
        return cls(data["onnxruntime"], data["onnx"], results)


def _spec_versions():
    import onnx.defs

    return onnx.defs.onnx_opset_version()


def _admits(op: str, opset: int, type_str: str, role: str) -> tuple:
    """(does schema ``op`` at ``opset`` accept ``type_str`` for its first input/output,
    the schema's since_version)."""
    import onnx.defs

    schema = onnx.defs.get_schema(op, opset)
    formal = (schema.inputs if role == "input" else schema.outputs)[0].type_str
    for constraint in schema.type_constraints:
        if constraint.type_param_str == formal:
            return type_str in constraint.allowed_type_strs, schema.since_version
    return type_str == formal, schema.since_version


def probe_opset(name) -> int:
    """The opset the probe uses for a type: the course's, or the first that has the type.

    Examples
    --------
    >>> probe_opset("FLOAT"), probe_opset("FLOAT8E4M3FN")
    (18, 19)
    """
    from .zoo import TARGET_OPSET

    row = data_type(name)
    latest = _spec_versions()
    for opset in range(TARGET_OPSET, latest + 1):
        if any(_admits(op, opset, row.onnx_type, "input")[0] for op in ("Identity", "Cast")):
            return opset
    return latest


def _sample(row: DataType) -> tuple:
    """(values as T, the same values as float64) for a probe of ``row``."""
    if row.category == "string":
        return np.array(["1", "2"], dtype=object), np.array([1.0, 2.0])
    if row.category == "bool":
        return np.array([True, False]), np.array([1.0, 0.0])
    if row.category == "complex":
        typed = np.array([1 + 2j, 0]).astype(row.helper_dtype)
        return typed, None
    logical = np.array([0.0, 1.0]) if "int" in row.category else np.array([1.0, 2.0])
    return logical.astype(row.helper_dtype), logical


def _clean(message: str) -> str:
    text = re.sub(r"^\[ONNXRuntimeError\]\s*:\s*\d+\s*:\s*", "", message.strip())
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    first = lines[0] if lines else ""
    first = first.rstrip(" :") if first.rstrip(" :") else first
    if first in ("", "NOT_IMPLEMENTED", "FAIL", "INVALID_GRAPH"):
        first = f"{first or 'error'} (onnxruntime gave no details)"
    return first if len(first) <= 180 else first[:177] + "..."


def _run_check(row: DataType, check: str, opset: int) -> CheckResult:
    """Build and run the probe model of ``check`` for ``row``; never raises."""
    import onnxruntime as ort
    from onnx import TensorProto, helper, numpy_helper

    op, role = {"identity": ("Identity", "input"), "cast_from_float": ("Cast", "output"),
                "cast_to_float": ("Cast", "input"), "add": ("Add", "input")}[check]
    admitted, since = _admits(op, opset, row.onnx_type, role)
    if not admitted:
        return CheckResult("n/a", f"the ONNX spec's {op}-{since} does not list {row.onnx_type}")
    try:
        if row.helper_dtype is None:
            return CheckResult("unsupported", "onnx has no numpy mapping to build sample values")
        typed, logical = _sample(row)
        native = row.numpy_dtype is not None  # numpy arrays can cross the Python API
        inputs, initializers, feeds = [], [], {}

        def source(name, values, elem_type):
            if elem_type == TensorProto.FLOAT or native:
                inputs.append(helper.make_tensor_value_info(name, elem_type, [2]))
                feeds[name] = values
            else:  # numpy has no dtype for it: a constant the graph holds itself
                initializers.append(numpy_helper.from_array(values, name))

        if check == "cast_from_float":
            source("x", logical.astype(np.float32), TensorProto.FLOAT)
            nodes = [helper.make_node("Cast", ["x"], ["y"], to=row.value, name="cast")]
            out_type, expected = row.value, logical
        elif check == "cast_to_float":
            if logical is None:
                return CheckResult("n/a", f"the ONNX spec's Cast-{since} does not list "
                                          f"{row.onnx_type}")
            source("x", typed, row.value)
            nodes = [helper.make_node("Cast", ["x"], ["y"], to=TensorProto.FLOAT, name="cast")]
            out_type, expected = TensorProto.FLOAT, logical
        elif check == "identity":
            source("x", typed, row.value)
            nodes = [helper.make_node("Identity", ["x"], ["y"], name="identity")]
            out_type, expected = row.value, typed
        else:
            source("a", typed, row.value)
            source("b", typed, row.value)
            nodes = [helper.make_node("Add", ["a", "b"], ["y"], name="add")]
            out_type, expected = row.value, None if logical is None else 2 * logical
        opsets = [helper.make_opsetid("", opset)]
        graph = helper.make_graph(nodes, f"probe_{check}_{row.name.lower()}", inputs,
                                  [helper.make_tensor_value_info("y", out_type, [2])],
                                  initializer=initializers)
        model = helper.make_model(graph, opset_imports=opsets,
                                  ir_version=helper.find_min_ir_version_for(opsets))
        options = ort.SessionOptions()
        # Run every kernel at run time, not folded away while loading.
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
        options.log_severity_level = 4  # failures are recorded, not logged
        options.intra_op_num_threads = 1
        session = ort.InferenceSession(model.SerializeToString(), options,
                                       providers=["CPUExecutionProvider"])
        if out_type == TensorProto.FLOAT or native:
            result = np.asarray(session.run(["y"], feeds)[0])
        else:  # fetched as an OrtValue: numpy cannot hold it, so check type and shape
            value = session.run_with_ort_values(
                ["y"], {k: ort.OrtValue.ortvalue_from_numpy(v) for k, v in feeds.items()})[0]
            if value.element_type() != row.value or list(value.shape()) != [2]:
                return CheckResult("unsupported",
                                   f"ran, but returned element type {value.element_type()} "
                                   f"shape {value.shape()}")
            return CheckResult("supported")
    except Exception as exc:  # onnx and onnxruntime raise many unrelated types
        return CheckResult("unsupported", _clean(str(exc)) or type(exc).__name__)
    if not _same_values(result, expected):
        return CheckResult("unsupported", f"ran, but returned {result.tolist()} "
                                          f"instead of {np.asarray(expected).tolist()}")
    return CheckResult("supported")


def _same_values(result: np.ndarray, expected) -> bool:
    if expected is None:
        return True
    expected = np.asarray(expected)
    if result.dtype == object or expected.dtype == object:
        try:
            return np.array_equal(result.astype(np.float64), expected.astype(np.float64))
        except ValueError:
            return result.tolist() == expected.tolist()
    return np.array_equal(result.astype(expected.dtype), expected)


def probe_type(name) -> ProbeResult:
    """Run every probe model of one element type on the CPU provider (not cached).

    Parameters
    ----------
    name : str, int, numpy dtype or DataType
        See :func:`data_type`.

    Returns
    -------
    ProbeResult
        Never raises for a type onnxruntime rejects: the check says
        "unsupported" and gives onnxruntime's reason.

    Examples
    --------
    >>> probe_type("int32").checks["add"]
    CheckResult(status='supported', reason='')
    >>> probe_type("bool").checks["add"].status
    'n/a'
    """
    row = data_type(name)
    opset = probe_opset(row)
    return ProbeResult(row.name, opset, {check: _run_check(row, check, opset) for check in CHECKS})


_PROBES: dict = {}


def _versions() -> tuple:
    from importlib.metadata import version

    return version("onnxruntime"), version("onnx")


def probe_path() -> Path:
    """Where the probe of the installed onnxruntime is cached, in ``models/``."""
    from .cache import models_dir

    return models_dir() / f"dtype_probe_onnxruntime-{_versions()[0]}.json"


def probe_dtypes(*, refresh: bool = False) -> DtypeProbe:
    """Probe every element type on onnxruntime's CPU provider, cached per version.

    The result is kept in memory and in ``models/dtype_probe_onnxruntime-<version>.json``
    (written atomically). It is recomputed when onnxruntime, onnx or the probe
    itself changes, when the file cannot be read, or when ``refresh=True``.
    A read-only ``models/`` folder only disables the file cache.

    Parameters
    ----------
    refresh : bool, default False
        Run the probe again even if a cached result exists.

    Returns
    -------
    DtypeProbe

    Examples
    --------
    >>> probe = probe_dtypes()
    >>> probe["FLOAT"].status, probe["COMPLEX64"].status
    ('supported', 'unsupported')
    """
    from .cache import cached_file

    ort_version, onnx_version = _versions()
    names = _names()
    key = (ort_version, onnx_version, PROBE_RECIPE, tuple(names))
    if not refresh and key in _PROBES:
        return _PROBES[key]

    def fresh() -> DtypeProbe:
        return DtypeProbe(ort_version, onnx_version,
                          {row.name: probe_type(row) for row in data_types()})

    def build(tmp: Path) -> None:
        tmp.write_text(fresh().to_json(), encoding="utf-8")

    def is_valid(path: Path) -> bool:
        return list(DtypeProbe.from_json(path.read_text(encoding="utf-8")).results) == names

    try:
        path = probe_path()
        if refresh:
            path.unlink(missing_ok=True)
        fingerprint = {"recipe": f"dtype_probe/{PROBE_RECIPE}", "onnxruntime": ort_version,
                       "onnx": onnx_version, "types": names}
        path = cached_file(path, build, fingerprint=fingerprint, is_valid=is_valid)
        probe = DtypeProbe.from_json(path.read_text(encoding="utf-8"))
    except (CacheNotWritableError, OSError):
        probe = fresh()
    _PROBES[key] = probe
    return probe


# ---------------------------------------------------------------- rendering

@dataclass(frozen=True)
class DtypeTable:
    """The element-type table, with the probe's results when it was run.

    Displays as HTML in a notebook and as aligned text with ``print``
    or :meth:`to_text`.
    """

    rows: tuple
    probe: DtypeProbe | None = None

    def _header(self) -> list:
        header = ["name", "value", "numpy", "ml_dtypes", "bits", "category"]
        if self.probe is not None:
            header += ["opset", *CHECKS.values(), "CPU provider"]
        return header

    def _cells(self, row: DataType) -> list:
        cells = [row.name, str(row.value), row.numpy_name, row.ml_dtypes_name or "-",
                 "var" if row.bits is None else str(row.bits), row.category]
        if self.probe is not None:
            result = self.probe.results[row.name]
            short = {"supported": "ok", "unsupported": "FAIL", "n/a": "n/a"}
            cells += [str(result.opset), *(short[result.checks[c].status] for c in CHECKS),
                      result.status]
        return cells

    def _reasons(self) -> list:
        if self.probe is None:
            return []
        lines = []
        for row in self.rows:
            result = self.probe.results[row.name]
            for check, outcome in result.checks.items():
                if outcome.status == "unsupported":
                    lines.append((row.name, CHECKS[check], outcome.reason))
        return lines

    def _title(self) -> str:
        count = f"{len(self.rows)} ONNX element type" + ("" if len(self.rows) == 1 else "s")
        if self.probe is None:
            return count
        supported = sum(self.probe.results[row.name].status == "supported" for row in self.rows)
        return (f"{count}; onnxruntime "
                f"{self.probe.onnxruntime_version}'s CPUExecutionProvider runs "
                f"{supported} of them fully")

    def to_text(self) -> str:
        """The table as aligned plain text, with the reasons of failures below it."""
        table = [self._header(), *(self._cells(row) for row in self.rows)]
        lines = [self._title(), aligned_text(table, right={1, 4, 6})]
        reasons = self._reasons()
        if reasons:
            lines.append("")
            lines.append("Why the failures failed (onnxruntime's words):")
            width = max(len(f"{name} {check}") for name, check, _ in reasons)
            lines += [f"  {f'{name} {check}':<{width}}  {reason}"
                      for name, check, reason in reasons]
        return "\n".join(lines)

    def to_html(self) -> str:
        """The table as an HTML fragment; failing cells carry the reason as a tooltip."""
        colours = {"ok": "#d4edda", "supported": "#d4edda", "FAIL": "#f8d7da",
                   "unsupported": "#f8d7da", "partial": "#fff3cd", "n/a": "#eeeeee"}
        head = "".join(f"<th>{html.escape(h)}</th>" for h in self._header())
        body = []
        for row in self.rows:
            cells = self._cells(row)
            tips = [""] * len(cells)
            if self.probe is not None:
                result = self.probe.results[row.name]
                for i, check in enumerate(CHECKS, start=7):
                    tips[i] = result.checks[check].reason
            body.append("<tr>" + "".join(
                f'<td style="background:{colours.get(c, "transparent")}"'
                + (f' title="{html.escape(t)}"' if t else "") + f">{html.escape(c)}</td>"
                for c, t in zip(cells, tips, strict=True)) + "</tr>")
        return (f"<p><b>{html.escape(self._title())}</b></p><table><thead><tr>{head}</tr></thead>"
                f"<tbody>{''.join(body)}</tbody></table>")

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        return self.to_text()

    def _repr_html_(self) -> str:
        return self.to_html()


def dtype_table(*, probe: bool = True, refresh: bool = False, names=None) -> DtypeTable:
    """The table of every ONNX element type, with the live probe by default.

    Parameters
    ----------
    names : sequence of str, optional
        Only these types (any name :func:`data_type` accepts), in this order.
    probe : bool, default True
        Add what onnxruntime's CPU provider does with each type (see
        :func:`probe_dtypes`).
    refresh : bool, default False
        Run the probe again instead of using its cached result.

    Returns
    -------
    DtypeTable

    Examples
    --------
    >>> dtype_table(probe=False).to_text().splitlines()[2].split()
    ['FLOAT', '1', 'float32', '-', '32', 'float']
    """
    rows = data_types() if names is None else tuple(data_type(name) for name in names)
    return DtypeTable(rows, probe_dtypes(refresh=refresh) if probe else None)
