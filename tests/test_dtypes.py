"""Tests of onnxlearn.dtypes: the element-type table, the live probe, its cache,
its rendering and the ``onnxlearn dtypes`` command; plus string, sequence, map
and optional models run end to end."""

import json
import re

import ml_dtypes
import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper, numpy_helper

import onnxlearn
from onnxlearn import dtypes
from onnxlearn.cli import main as cli_main
from onnxlearn.dtypes import CHECKS, DtypeTable, data_type, data_types, probe_dtypes, probe_type
from onnxlearn.errors import UnknownDataTypeError

ALL_NAMES = [name for name in TensorProto.DataType.keys() if name != "UNDEFINED"]
CPU = ["CPUExecutionProvider"]


@pytest.fixture(scope="module")
def probe():
    return probe_dtypes()


@pytest.fixture
def fresh_probe_cache(monkeypatch, private_models_dir):
    """No probe in memory, and an empty models folder of this test alone."""
    monkeypatch.setattr(dtypes, "_PROBES", {})
    return private_models_dir


# ------------------------------------------------------------------ the table

def test_table_covers_every_data_type_except_undefined():
    rows = data_types()
    assert [row.name for row in rows] == sorted(ALL_NAMES, key=TensorProto.DataType.Value)
    assert {row.name: row.value for row in rows} == {
        name: TensorProto.DataType.Value(name) for name in ALL_NAMES}
    assert "UNDEFINED" not in {row.name for row in rows}


def test_numpy_mapping_agrees_with_onnx_helpers():
    for row in data_types():
        from_onnx = np.dtype(helper.tensor_dtype_to_np_dtype(row.value))
        assert row.helper_dtype == from_onnx, row.name
        is_extension = type(from_onnx).__module__.startswith("ml_dtypes") \
            or from_onnx.type.__module__.startswith("ml_dtypes")
        if row.numpy_dtype is None:
            assert is_extension, f"{row.name}: numpy has {from_onnx}, but the table says none"
            assert row.ml_dtypes_name == str(from_onnx)
            assert row.numpy_name == "none"
        else:
            assert not is_extension, row.name
            assert row.numpy_dtype == from_onnx
            assert helper.np_dtype_to_tensor_dtype(row.numpy_dtype) == row.value
            assert row.ml_dtypes_name is None


def test_types_numpy_lacks_are_exactly_the_ml_dtypes_ones():
    lacking = {row.name for row in data_types() if row.numpy_dtype is None}
    assert {"BFLOAT16", "FLOAT8E4M3FN", "INT4", "UINT4"} <= lacking
    assert lacking.isdisjoint({"FLOAT", "DOUBLE", "FLOAT16", "INT8", "BOOL", "STRING",
                               "COMPLEX64"})


def test_onnx_type_strings_are_the_ones_the_onnx_spec_uses():
    spec_types = set()
    for schema in onnx.defs.get_all_schemas_with_history():
        for constraint in schema.type_constraints:
            spec_types.update(constraint.allowed_type_strs)
    for row in data_types():
        assert row.onnx_type in spec_types, row.onnx_type


def test_bits_match_the_storage_size_and_the_name():
    for row in data_types():
        if row.name == "STRING":
            assert row.bits is None
            continue
        if row.numpy_dtype is not None and row.name != "STRING":
            assert row.bits == row.numpy_dtype.itemsize * 8, row.name
        digits = re.search(r"\d+", row.name)
        if digits and not row.name.startswith("COMPLEX"):
            assert row.bits == int(digits.group()), row.name
    assert data_type("FLOAT").bits == 32 and data_type("DOUBLE").bits == 64
    assert data_type("COMPLEX128").bits == 128 and data_type("BOOL").bits == 8
    assert data_type("UINT4").bits == 4 and data_type("FLOAT6E2M3").bits == 6


def test_categories():
    allowed = {"float", "int", "bool", "string", "complex"} | dtypes.LOW_PRECISION
    by_name = {row.name: row for row in data_types()}
    assert {row.category for row in data_types()} <= allowed
    assert by_name["BFLOAT16"].category == "float" and not by_name["BFLOAT16"].low_precision
    assert by_name["UINT8"].category == "int"
    assert by_name["FLOAT8E5M2"].category == "float8"
    assert by_name["FLOAT4E2M1"].category == "float4"
    assert by_name["INT4"].category == by_name["UINT4"].category == "int4"
    assert by_name["INT2"].category == "int2"
    for row in data_types():
        if row.low_precision:
            assert row.bits < 16 and row.numpy_dtype is None, row.name


def test_lookup_by_name_value_dtype_and_spelling():
    float16 = data_type("FLOAT16")
    for key in ("float16", " Float16 ", "tensor(float16)", "TensorProto.FLOAT16",
                "onnx.TensorProto.FLOAT16", 10, np.int64(10), np.float16, np.dtype("float16"),
                float16):
        assert data_type(key) is float16, key
    assert data_type(ml_dtypes.bfloat16).name == "BFLOAT16"
    assert data_type(object).name == "STRING"


@pytest.mark.parametrize("key, given", [
    ("flaot16", "'flaot16'"), ("UNDEFINED", "'UNDEFINED'"), (0, "UNDEFINED"), (999, "999"),
    (None, "None"), (True, "bool True"), (np.dtype("datetime64[s]"), "datetime64"),
    (3.5, "float 3.5"),
])
def test_unknown_type_lists_the_valid_names(key, given):
    with pytest.raises(UnknownDataTypeError) as caught:
        data_type(key)
    message = str(caught.value)
    assert given in message
    for name in ALL_NAMES:
        assert name in message
    assert isinstance(caught.value, LookupError)
    assert "Fix:" in message


def test_unknown_name_suggests_the_closest_one():
    with pytest.raises(UnknownDataTypeError, match="did you mean 'BFLOAT16'"):
        data_type("bfloat61")
    with pytest.raises(UnknownDataTypeError, match="did you mean 'FLOAT'"):
        data_type("float32")  # numpy's name for ONNX's FLOAT


# ------------------------------------------------------------------ the probe

def test_probe_has_every_type_and_valid_statuses(probe):
    assert list(probe.results) == [row.name for row in data_types()]
    for name, result in probe.results.items():
        assert set(result.checks) == set(CHECKS)
        assert result.status in ("supported", "partial", "unsupported")
        for check in result.checks.values():
            assert check.status in ("supported", "unsupported", "n/a")
            if check.status != "supported":
                assert check.reason, f"{name}: a {check.status} check needs a reason"
    names = probe.names("supported") + probe.names("partial") + probe.names("unsupported")
    assert sorted(names) == sorted(ALL_NAMES)


def test_probe_never_crashes_on_rejected_types():
    complex64 = probe_type("COMPLEX64")
    assert complex64.status == "unsupported"
    assert "complex64" in complex64.checks["identity"].reason
    assert complex64.reason.startswith("Identity: ")
    # Add on bool is not in the ONNX spec: "n/a" with the operator's version
    assert re.match(r"the ONNX spec's Add-\d+ does not list tensor\(bool\)",
                    probe_type("BOOL").checks["add"].reason)


def _runs(model, feeds, expected) -> bool:
    """Does plain onnxruntime run ``model`` on ``feeds`` and return ``expected``?"""
    try:
        session = ort.InferenceSession(model.SerializeToString(), providers=CPU)
        np.testing.assert_array_equal(session.run(None, feeds)[0], expected)
    except Exception:
        return False
    return True


def _in_spec(model) -> bool:
    try:
        onnx.checker.check_model(model, full_check=True)
    except Exception:
        return False
    return True


def _sample(row):
    if row.name == "STRING":
        return np.array(["1", "2"], dtype=object)
    if row.name == "BOOL":
        return np.array([True, False])
    return np.array([1, 0]).astype(row.helper_dtype)


def test_probe_agrees_with_running_identity_and_add_directly(probe):
    """For types numpy has, feed arrays to Identity and Add models directly."""
    for row in data_types():
        if row.numpy_dtype is None:
            continue
        opset = [helper.make_opsetid("", probe[row.name].opset)]
        x = _sample(row)
        identity = helper.make_model(helper.make_graph(
            [helper.make_node("Identity", ["x"], ["y"])], "identity",
            [helper.make_tensor_value_info("x", row.value, [2])],
            [helper.make_tensor_value_info("y", row.value, [2])]), opset_imports=opset)
        runs = _runs(identity, {"x": x}, x)
        assert runs == (probe[row.name].checks["identity"].status == "supported"), row.name

        add = helper.make_model(helper.make_graph(
            [helper.make_node("Add", ["a", "b"], ["y"])], "add",
            [helper.make_tensor_value_info(n, row.value, [2]) for n in "ab"],
            [helper.make_tensor_value_info("y", row.value, [2])]), opset_imports=opset)
        in_spec = _in_spec(add)
        status = probe[row.name].checks["add"].status
        assert (status != "n/a") == in_spec, row.name
        if in_spec:
            runs = _runs(add, {"a": x, "b": x}, x + x)
            assert runs == (status == "supported"), row.name


def test_probe_agrees_with_a_cast_round_trip_for_every_type(probe):
    """float32 -> Cast(T) -> Cast(float32) runs exactly when the probe says both casts do."""
    for row in data_types():
        checks = probe[row.name].checks
        if "n/a" in (checks["cast_from_float"].status, checks["cast_to_float"].status):
            continue
        opset = [helper.make_opsetid("", probe[row.name].opset)]
        model = helper.make_model(helper.make_graph(
            [helper.make_node("Cast", ["x"], ["t"], to=row.value),
             helper.make_node("Cast", ["t"], ["y"], to=TensorProto.FLOAT)], "round_trip",
            [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2])],
            [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2])]),
            opset_imports=opset, ir_version=helper.find_min_ir_version_for(opset))
        # 1 and 2 exist in every float type (FLOAT8E8M0 has no zero), 1 and 0 in every int type
        x = np.array([1.0, 2.0] if "float" in row.category else [1.0, 0.0], dtype=np.float32)
        runs = _runs(model, {"x": x}, x)
        expected = (checks["cast_from_float"].status == "supported"
                    and checks["cast_to_float"].status == "supported")
        assert runs == expected, row.name


def test_probe_uses_the_first_opset_that_has_the_type():
    assert dtypes.probe_opset("FLOAT") == onnxlearn.zoo.TARGET_OPSET
    assert dtypes.probe_opset("FLOAT8E4M3FN") == 19  # float8 arrived in opset 19
    assert dtypes.probe_opset("INT4") == 21
    schema = onnx.defs.get_schema("Cast", dtypes.probe_opset("INT2"))
    assert any("tensor(int2)" in c.allowed_type_strs for c in schema.type_constraints)


# ------------------------------------------------------------------ the cache

def test_probe_is_cached_in_memory_and_on_disk_atomically(fresh_probe_cache):
    first = probe_dtypes()
    assert probe_dtypes() is first  # memory
    path = dtypes.probe_path()
    assert path.parent == fresh_probe_cache.resolve()
    assert re.fullmatch(r"dtype_probe_onnxruntime-.+\.json", path.name)
    assert ort.__version__ in path.name
    stored = json.loads(path.read_text())
    assert stored["onnxruntime"] == ort.__version__ and stored["onnx"] == onnx.__version__
    assert not [p for p in path.parent.iterdir() if p.suffix == ".tmp"]

    # A new process (empty memory) reads the file: a marked entry shows it was not re-probed.
    stored["results"]["FLOAT"]["checks"]["add"][1] = "read from disk"
    path.write_text(json.dumps(stored))
    dtypes._PROBES.clear()
    assert probe_dtypes()["FLOAT"].checks["add"].reason == "read from disk"
    # refresh=True probes again
    assert probe_dtypes(refresh=True)["FLOAT"].checks["add"].reason == ""


def test_probe_rebuilds_a_corrupt_cache_file(fresh_probe_cache):
    path = dtypes.probe_path()
    probe_dtypes()
    path.write_text("{ not json")
    dtypes._PROBES.clear()
    assert probe_dtypes()["FLOAT"].status == "supported"
    assert json.loads(path.read_text())["onnxruntime"] == ort.__version__


def test_probe_works_when_models_folder_cannot_be_written(tmp_path, monkeypatch):
    monkeypatch.setattr(dtypes, "_PROBES", {})
    regular_file = tmp_path / "not_a_folder"
    regular_file.write_text("x")
    monkeypatch.setenv("ONNXLEARN_MODELS_DIR", str(regular_file / "models"))
    assert probe_dtypes()["INT64"].status == "supported"


def test_probe_round_trips_through_json(probe):
    again = dtypes.DtypeProbe.from_json(probe.to_json())
    assert again == probe


# ------------------------------------------------------------------ rendering and CLI

def test_text_table_has_one_line_per_type_and_the_reasons(probe):
    text = onnxlearn.dtype_table().to_text()
    lines = text.splitlines()
    assert lines[0].startswith(f"{len(ALL_NAMES)} ONNX element types; onnxruntime "
                               f"{ort.__version__}")
    assert lines[1].split()[:6] == ["name", "value", "numpy", "ml_dtypes", "bits", "category"]
    for row, line in zip(data_types(), lines[2:2 + len(ALL_NAMES)], strict=True):
        cells = line.split()
        assert cells[0] == row.name and cells[1] == str(row.value)
        assert cells[-1] == probe[row.name].status
    for name, result in probe.results.items():
        for check, outcome in result.checks.items():
            if outcome.status == "unsupported":
                assert f"{name} {CHECKS[check]}" in text


def test_table_without_probe_and_with_chosen_names():
    table = onnxlearn.dtype_table(probe=False, names=["bfloat16", 1])
    assert [row.name for row in table.rows] == ["BFLOAT16", "FLOAT"]
    lines = str(table).splitlines()
    assert lines[0] == "2 ONNX element types"
    one = str(onnxlearn.dtype_table(probe=False, names=["int8"]))
    assert one.startswith("1 ONNX element type\n")
    assert lines[2].split() == ["BFLOAT16", "16", "none", "bfloat16", "16", "float"]
    assert repr(table) == str(table)
    with pytest.raises(UnknownDataTypeError):
        onnxlearn.dtype_table(probe=False, names=["nope"])


def test_html_table(probe):
    table = onnxlearn.dtype_table()
    page = table._repr_html_()
    assert page == table.to_html()
    assert page.count("<tr>") == len(ALL_NAMES) + 1
    assert probe["COMPLEX64"].checks["identity"].reason in page  # the reason, as a tooltip
    assert "<script" not in page
    assert isinstance(DtypeTable(data_types()).to_html(), str)


def test_cli_dtypes(capsys):
    assert cli_main(["dtypes", "int8", "complex64"]) == 0
    out = capsys.readouterr().out
    assert "INT8" in out and "COMPLEX64" in out and "FLOAT16" not in out
    assert cli_main(["dtypes", "--no-probe"]) == 0
    out = capsys.readouterr().out
    assert "CPU provider" not in out and len(out.splitlines()) == len(ALL_NAMES) + 2
    assert cli_main(["dtypes", "--html", "float"]) == 0
    assert capsys.readouterr().out.lstrip().startswith("<p><b>1 ONNX element type;")


def test_cli_dtypes_unknown_name(capsys):
    assert cli_main(["dtypes", "flaot"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("onnxlearn dtypes: unknown ONNX element type")
    assert "FLOAT16" in err and "did you mean 'FLOAT'" in err


# ------------------------------------------------------------------ non-tensor and string models

CORPUS = [("the cat sat on the mat", 0), ("my dog loves long walks", 0),
          ("a kitten plays with wool", 0), ("the puppy chewed my shoes", 0),
          ("the stock market fell", 1), ("shares rose after earnings", 1),
          ("the bank raised interest rates", 1), ("investors sold bank shares", 1)]
TARGET = {"": onnxlearn.zoo.TARGET_OPSET, "ai.onnx.ml": onnxlearn.zoo.TARGET_ML_OPSET}


def test_string_model_text_classifier_runs_on_raw_strings():
    from skl2onnx import convert_sklearn
    from skl2onnx.common.data_types import StringTensorType
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    texts, labels = zip(*CORPUS, strict=True)
    pipeline = make_pipeline(TfidfVectorizer(), LogisticRegression()).fit(texts, labels)
    model = convert_sklearn(pipeline, initial_types=[("text", StringTensorType([None, 1]))],
                            target_opset=TARGET,
                            options={TfidfVectorizer: {"locale": "C"},
                                     LogisticRegression: {"zipmap": False}})
    new = ["a cat and a dog", "bank shares fell", "the kitten and the market"]
    outputs = onnxlearn.run(model, {"text": [[text] for text in new]})
    label, probabilities = outputs.values()
    np.testing.assert_array_equal(label, pipeline.predict(new))
    np.testing.assert_allclose(probabilities, pipeline.predict_proba(new), atol=1e-5)


def test_sequence_model_runs_end_to_end():
    sequence = helper.make_sequence_type_proto(
        helper.make_tensor_type_proto(TensorProto.FLOAT, None))
    sizes = numpy_helper.from_array(np.array([2, 1], dtype=np.int64), "sizes")
    model = helper.make_model(helper.make_graph(
        [helper.make_node("SplitToSequence", ["x", "sizes"], ["pieces"]),
         helper.make_node("SequenceConstruct", ["x", "x"], ["pair"]),
         helper.make_node("ConcatFromSequence", ["items"], ["joined"], axis=0)], "seq",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [3]),
         helper.make_value_info("items", sequence)],
        [helper.make_value_info("pieces", sequence), helper.make_value_info("pair", sequence),
         helper.make_tensor_value_info("joined", TensorProto.FLOAT, [None])],
        initializer=[sizes]), opset_imports=[helper.make_opsetid("", 18)])
    onnx.checker.check_model(model, full_check=True)
    x = np.array([1, 2, 3], dtype=np.float32)
    out = onnxlearn.run(model, {"x": x, "items": [np.ones(1, np.float32),
                                                  np.zeros(2, np.float32)]})
    assert [p.tolist() for p in out["pieces"]] == [[1, 2], [3]]
    assert len(out["pair"]) == 2 and out["pair"][1].tolist() == [1, 2, 3]
    assert out["joined"].tolist() == [1, 0, 0]


def test_map_models_zipmap_output_and_dictvectorizer_input(iris_split):
    from skl2onnx import convert_sklearn, to_onnx
    from skl2onnx.common.data_types import DictionaryType, FloatTensorType, StringTensorType
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    clf = LogisticRegression(max_iter=500).fit(iris_split.X_train, iris_split.y_train)
    X = iris_split.X_test[:5].astype(np.float32)
    zipped = onnxlearn.run(to_onnx(clf, X, target_opset=TARGET), X)["output_probability"]
    assert isinstance(zipped, list) and all(isinstance(row, dict) for row in zipped)
    np.testing.assert_allclose([[row[k] for k in sorted(row)] for row in zipped],
                               clf.predict_proba(X), atol=1e-5)

    records = [{"a": 1.0, "w": 3.0}, {"b": 1.0, "w": 1.0}, {"a": 1.0, "w": 2.0},
               {"b": 1.0, "w": 0.5}]
    pipeline = make_pipeline(DictVectorizer(sparse=False), LogisticRegression())
    pipeline.fit(records, [1, 0, 1, 0])
    model = convert_sklearn(
        pipeline, initial_types=[("record", DictionaryType(StringTensorType([]),
                                                           FloatTensorType([])))],
        target_opset=TARGET, options={LogisticRegression: {"zipmap": False}})
    assert onnxlearn.input_specs(model)[0].type == "map(string,tensor(float))"
    record = {"a": 1.0, "w": 1.5}
    outputs = onnxlearn.run(model, {"record": record})
    label, probabilities = outputs.values()
    assert label.tolist() == pipeline.predict([record]).tolist()
    np.testing.assert_allclose(probabilities, pipeline.predict_proba([record]), atol=1e-5)


def test_optional_model_runs_with_a_value_and_with_none():
    optional = helper.make_optional_type_proto(
        helper.make_tensor_type_proto(TensorProto.FLOAT, [None]))
    model = helper.make_model(helper.make_graph(
        [helper.make_node("OptionalHasElement", ["maybe"], ["present"]),
         helper.make_node("Optional", ["x"], ["wrapped"])], "opt",
        [helper.make_value_info("maybe", optional),
         helper.make_tensor_value_info("x", TensorProto.FLOAT, [None])],
        [helper.make_tensor_value_info("present", TensorProto.BOOL, []),
         helper.make_value_info("wrapped", optional)]),
        opset_imports=[helper.make_opsetid("", 18)])
    onnx.checker.check_model(model, full_check=True)
    x = np.array([2.0], dtype=np.float32)
    with_value = onnxlearn.run(model, {"maybe": x, "x": x})
    without = onnxlearn.run(model, {"maybe": None, "x": x})
    assert bool(with_value["present"]) is True and bool(without["present"]) is False
    assert without["wrapped"].tolist() == [2.0]
