"""Tests of onnxlearn.anatomy (summarize) and the ``onnxlearn inspect`` command."""

import json

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

import onnxlearn
from onnxlearn import ModelLoadError, ModelNotFoundError, summarize
from onnxlearn.anatomy import ModelSummary, element_type_name, type_text
from onnxlearn.cli import main as cli_main

FLOAT, INT64 = TensorProto.FLOAT, TensorProto.INT64


def opsets(**domains):
    return [helper.make_opsetid("", 18)] + [
        helper.make_opsetid(domain.replace("_", "."), version)
        for domain, version in domains.items()]


def linear_regression() -> onnx.ModelProto:
    """Y = X·A + B with A (3x2) and B (2,) as initializers; batch dimension 'N'."""
    a = numpy_helper.from_array(np.arange(6, dtype=np.float32).reshape(3, 2), "A")
    b = numpy_helper.from_array(np.ones(2, dtype=np.float32), "B")
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["X", "A"], ["XA"]),
         helper.make_node("Add", ["XA", "B"], ["Y"])],
        "linear_regression",
        [helper.make_tensor_value_info("X", FLOAT, ["N", 3])],
        [helper.make_tensor_value_info("Y", FLOAT, ["N", 2])], [a, b])
    model = helper.make_model(graph, opset_imports=opsets(), producer_name="course",
                              producer_version="2.0", domain="org.example",
                              model_version=7, doc_string="Y = X.A + B")
    helper.set_model_props(model, {"author": "learner", "license": "MIT"})
    return model


def if_model() -> onnx.ModelProto:
    """If with two branches; the else branch holds a Loop (a subgraph in a subgraph)."""
    then_branch = helper.make_graph(
        [helper.make_node("Relu", ["x"], ["then_y"])], "then", [],
        [helper.make_tensor_value_info("then_y", FLOAT, [2])])
    loop_body = helper.make_graph(
        [helper.make_node("Identity", ["cond_in"], ["cond_out"]),
         helper.make_node("Add", ["acc_in", "x"], ["acc_out"])],
        "body",
        [helper.make_tensor_value_info("i", INT64, []),
         helper.make_tensor_value_info("cond_in", TensorProto.BOOL, []),
         helper.make_tensor_value_info("acc_in", FLOAT, [2])],
        [helper.make_tensor_value_info("cond_out", TensorProto.BOOL, []),
         helper.make_tensor_value_info("acc_out", FLOAT, [2])])
    else_branch = helper.make_graph(
        [helper.make_node("Constant", [], ["trip"], value=numpy_helper.from_array(
            np.array(3, dtype=np.int64))),
         helper.make_node("Constant", [], ["keep_going"], value=numpy_helper.from_array(
             np.array(True))),
         helper.make_node("Loop", ["trip", "keep_going", "x"], ["else_y"], body=loop_body)],
        "else", [], [helper.make_tensor_value_info("else_y", FLOAT, [2])])
    graph = helper.make_graph(
        [helper.make_node("If", ["cond"], ["y"], then_branch=then_branch,
                          else_branch=else_branch)],
        "if_loop",
        [helper.make_tensor_value_info("cond", TensorProto.BOOL, []),
         helper.make_tensor_value_info("x", FLOAT, [2])],
        [helper.make_tensor_value_info("y", FLOAT, [2])])
    return helper.make_model(graph, opset_imports=opsets())


def scan_model() -> onnx.ModelProto:
    """A running sum over the rows of X with Scan."""
    body = helper.make_graph(
        [helper.make_node("Add", ["sum_in", "row"], ["sum_out"]),
         helper.make_node("Identity", ["sum_out"], ["scan_out"])],
        "scan_body",
        [helper.make_tensor_value_info("sum_in", FLOAT, [2]),
         helper.make_tensor_value_info("row", FLOAT, [2])],
        [helper.make_tensor_value_info("sum_out", FLOAT, [2]),
         helper.make_tensor_value_info("scan_out", FLOAT, [2])])
    graph = helper.make_graph(
        [helper.make_node("Scan", ["init", "X"], ["total", "partial"], num_scan_inputs=1,
                          body=body)],
        "scan",
        [helper.make_tensor_value_info("init", FLOAT, [2]),
         helper.make_tensor_value_info("X", FLOAT, ["T", 2])],
        [helper.make_tensor_value_info("total", FLOAT, [2]),
         helper.make_tensor_value_info("partial", FLOAT, ["T", 2])])
    return helper.make_model(graph, opset_imports=opsets())


def function_model() -> onnx.ModelProto:
    """A local function ``local.Swish`` (x * Sigmoid(x)) called twice."""
    swish = helper.make_function(
        "local", "Swish", ["x"], ["y"],
        [helper.make_node("Sigmoid", ["x"], ["s"]), helper.make_node("Mul", ["x", "s"], ["y"])],
        opset_imports=[helper.make_opsetid("", 18)])
    graph = helper.make_graph(
        [helper.make_node("Swish", ["X"], ["H"], domain="local"),
         helper.make_node("Swish", ["H"], ["Y"], domain="local")],
        "uses_function",
        [helper.make_tensor_value_info("X", FLOAT, ["N", 4])],
        [helper.make_tensor_value_info("Y", FLOAT, ["N", 4])])
    return helper.make_model(graph, opset_imports=opsets(local=1), functions=[swish])


def non_tensor_model() -> onnx.ModelProto:
    """Inputs of sequence, map, optional and sparse types."""
    seq = helper.make_tensor_sequence_value_info("seq", FLOAT, None)
    optional = helper.make_value_info("maybe", helper.make_optional_type_proto(
        helper.make_tensor_type_proto(INT64, [3])))
    mapping = helper.make_value_info("mapping", helper.make_map_type_proto(
        TensorProto.STRING, helper.make_tensor_type_proto(INT64, [])))
    sparse = helper.make_sparse_tensor_value_info("sparse", FLOAT, [5, 5])
    graph = helper.make_graph(
        [helper.make_node("SequenceLength", ["seq"], ["length"]),
         helper.make_node("OptionalHasElement", ["maybe"], ["has"]),
         helper.make_node("DictVectorizer", ["mapping"], ["features"], domain="ai.onnx.ml",
                          string_vocabulary=["a", "b"]),
         helper.make_node("Identity", ["sparse"], ["sparse_copy"])],
        "non_tensor", [seq, optional, mapping, sparse],
        [helper.make_tensor_value_info("length", INT64, []),
         helper.make_tensor_value_info("has", TensorProto.BOOL, []),
         helper.make_tensor_value_info("features", INT64, [None, 2]),
         helper.make_sparse_tensor_value_info("sparse_copy", FLOAT, [5, 5])])
    return helper.make_model(graph, opset_imports=opsets(ai_onnx_ml=3))


def big_weights_model(rows=300, cols=400) -> onnx.ModelProto:
    weight = numpy_helper.from_array(np.ones((rows, cols), np.float32), "W")
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "W"], ["y"])], "big",
        [helper.make_tensor_value_info("x", FLOAT, ["batch", rows])],
        [helper.make_tensor_value_info("y", FLOAT, ["batch", cols])], [weight])
    return helper.make_model(graph, opset_imports=opsets())


def save_external(model, folder, location="weights.bin"):
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "model.onnx"
    onnx.save_model(model, path, save_as_external_data=True, location=location,
                    size_threshold=0)
    return path


# --------------------------------------------------------------------------- #
# Hand-built models
# --------------------------------------------------------------------------- #
def test_header_inputs_outputs_and_weights_of_a_hand_built_model(tmp_path):
    path = tmp_path / "linreg.onnx"
    onnx.save_model(linear_regression(), path)
    summary = summarize(path)

    assert isinstance(summary, ModelSummary)
    assert summary.source == "file" and summary.file_name == "linreg.onnx"
    assert summary.size_bytes == path.stat().st_size
    assert summary.header["opsets"] == {"": 18}
    assert summary.header["producer_name"] == "course"
    assert summary.header["producer_version"] == "2.0"
    assert summary.header["domain"] == "org.example"
    assert summary.header["model_version"] == 7
    assert summary.header["doc_string"] == "Y = X.A + B"
    assert summary.header["metadata"] == {"author": "learner", "license": "MIT"}
    assert summary.header["graph_name"] == "linear_regression"
    assert summary.header["ir_version"] == onnx.load(path).ir_version
    assert [(v.name, v.type, v.shape) for v in summary.inputs] == [
        ("X", "tensor(float)", ("N", 3))]
    assert [(v.name, v.shape) for v in summary.outputs] == [("Y", ("N", 2))]
    assert summary.op_types == {"MatMul": 1, "Add": 1}
    assert summary.node_counts == {"graph": 2, "subgraphs": 0, "functions": 0, "total": 2}
    assert summary.initializers.count == 2
    assert summary.initializers.parameters == 6 + 2
    assert summary.initializers.bytes_by_dtype == {"float": 8 * 4}
    assert not summary.external_data.used
    assert summary.checker.valid and summary.checker.message is None


def test_bytes_modelproto_and_path_give_the_same_anatomy(tmp_path):
    model = linear_regression()
    path = tmp_path / "m.onnx"
    onnx.save_model(model, path)
    from_path = summarize(path).to_dict()
    from_bytes = summarize(model.SerializeToString()).to_dict()
    from_proto = summarize(model).to_dict()
    for other, source in ((from_bytes, "bytes"), (from_proto, "ModelProto")):
        assert other["source"] == source and other["file_name"] is None
        for key in from_path:
            if key not in ("source", "file_name"):
                assert other[key] == from_path[key], key


def test_summarize_leaves_a_modelproto_unchanged():
    model = function_model()
    before = model.SerializeToString()
    summarize(model)
    assert model.SerializeToString() == before


def test_text_and_html_reprs_show_every_part():
    summary = summarize(linear_regression())
    text = repr(summary)
    for part in ("IR version", "ai.onnx 18", "course 2.0", "org.example", "model_version: 7",
                 "doc_string: Y = X.A + B", "author=learner", "X  tensor(float) [N, 3]",
                 "MatMul", "8 parameters", "External data: none", "Checker: valid"):
        assert part in text, part
    page = summary._repr_html_()
    assert page.startswith("<div>") and page.endswith("</div>")
    for part in ("tensor(float)", "[N, 3]", "MatMul", "metadata: author", "Checker: valid"):
        assert part in page, part


def test_html_escapes_what_the_model_says():
    model = linear_regression()
    helper.set_model_props(model, {"note": "<script>alert(1)</script>"})
    page = summarize(model)._repr_html_()
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_unknown_dims_and_unknown_rank():
    graph = helper.make_graph(
        [helper.make_node("Identity", ["a"], ["b"])], "dims",
        [helper.make_tensor_value_info("a", FLOAT, [None, "width", 3])],
        [helper.make_tensor_value_info("b", FLOAT, None)])
    summary = summarize(helper.make_model(graph, opset_imports=opsets()))
    assert summary.inputs[0].shape == ("?", "width", 3)
    assert summary.inputs[0].shape_text() == "[?, width, 3]"
    assert summary.outputs[0].shape is None
    assert summary.outputs[0].shape_text() == "[...]"


def test_scalar_string_and_int64_initializers_are_counted_by_dtype():
    tensors = [numpy_helper.from_array(np.array(5, np.int64), "five"),
               numpy_helper.from_array(np.arange(4, dtype=np.int64), "steps"),
               helper.make_tensor("words", TensorProto.STRING, [2], [b"ab", b"cde"]),
               numpy_helper.from_array(np.zeros((2, 2), np.float16), "half")]
    graph = helper.make_graph(
        [helper.make_node("Add", ["x", "five"], ["y"])], "dtypes",
        [helper.make_tensor_value_info("x", INT64, [4])],
        [helper.make_tensor_value_info("y", INT64, [4])], tensors)
    init = summarize(helper.make_model(graph, opset_imports=opsets())).initializers
    assert init.count == 4
    assert init.parameters == 1 + 4 + 2 + 4
    assert init.bytes_by_dtype == {"int64": 5 * 8, "string": 5, "float16": 4 * 2}
    assert init.total_bytes == 40 + 5 + 8


def test_sparse_initializers_are_counted():
    values = numpy_helper.from_array(np.array([1.0, 2.0], np.float32), "values")
    indices = numpy_helper.from_array(np.array([0, 7], np.int64), "indices")
    sparse = helper.make_sparse_tensor(values, indices, [3, 4])
    graph = helper.make_graph(
        [helper.make_node("Identity", ["values"], ["y"])], "sparse",
        [], [helper.make_tensor_value_info("y", FLOAT, [3, 4])])
    graph.sparse_initializer.append(sparse)
    init = summarize(helper.make_model(graph, opset_imports=opsets())).initializers
    assert init.count == 0 and init.sparse_count == 1
    assert init.parameters == 12
    assert init.bytes_by_dtype == {"float": 8, "int64": 16}


def test_a_model_with_zero_nodes():
    passthrough = helper.make_graph(
        [], "passthrough", [helper.make_tensor_value_info("x", FLOAT, [1])],
        [helper.make_tensor_value_info("x", FLOAT, [1])])
    summary = summarize(helper.make_model(passthrough, opset_imports=opsets()))
    assert summary.op_types == {} and summary.node_counts["total"] == 0
    assert "Nodes: 0" in repr(summary)

    empty = summarize(helper.make_model(helper.make_graph([], "empty", [], [])))
    assert empty.inputs == () and empty.outputs == () and empty.op_types == {}
    assert "Inputs (0)" in repr(empty)


def test_custom_domain_operators_are_prefixed_with_their_domain():
    graph = helper.make_graph(
        [helper.make_node("Frobnicate", ["x"], ["t"], domain="com.example", strength=2.0),
         helper.make_node("Relu", ["t"], ["y"], domain="ai.onnx")],
        "custom", [helper.make_tensor_value_info("x", FLOAT, [3])],
        [helper.make_tensor_value_info("y", FLOAT, [3])])
    model = helper.make_model(graph, opset_imports=opsets(com_example=1))
    summary = summarize(model)
    assert summary.op_types == {"com.example.Frobnicate": 1, "Relu": 1}
    assert summary.header["opsets"] == {"": 18, "com.example": 1}
    assert "com.example 1" in repr(summary)


# --------------------------------------------------------------------------- #
# Subgraphs, functions, non-tensor types
# --------------------------------------------------------------------------- #
def test_nodes_inside_if_and_loop_subgraphs_are_counted():
    summary = summarize(if_model())
    assert summary.checker.valid, summary.checker.message
    assert summary.op_types == {"If": 1, "Relu": 1, "Constant": 2, "Loop": 1,
                                "Identity": 1, "Add": 1}
    assert summary.node_counts == {"graph": 1, "subgraphs": 6, "functions": 0, "total": 7}
    assert summary.subgraph_count == 3  # then, else, and the Loop body inside else
    assert summary.inputs[0].shape == ()


def test_nodes_inside_a_scan_body_are_counted():
    summary = summarize(scan_model())
    assert summary.checker.valid, summary.checker.message
    assert summary.op_types == {"Scan": 1, "Add": 1, "Identity": 1}
    assert summary.node_counts["subgraphs"] == 2
    assert summary.inputs[1].shape == ("T", 2)


def test_local_functions_and_their_nodes_are_counted():
    summary = summarize(function_model())
    assert summary.checker.valid, summary.checker.message
    assert summary.functions == ("local.Swish",)
    assert summary.op_types == {"local.Swish": 2, "Sigmoid": 1, "Mul": 1}
    assert summary.node_counts == {"graph": 2, "subgraphs": 0, "functions": 2, "total": 4}
    assert "Local functions: local.Swish" in repr(summary)


def test_sequence_map_optional_and_sparse_types_are_spelled_out():
    summary = summarize(non_tensor_model())
    assert summary.checker.valid, summary.checker.message
    assert [(v.name, v.type, v.shape) for v in summary.inputs] == [
        ("seq", "seq(tensor(float))", None),
        ("maybe", "optional(tensor(int64))", None),
        ("mapping", "map(string,tensor(int64))", None),
        ("sparse", "sparse_tensor(float)", (5, 5)),
    ]
    assert summary.outputs[2].shape == ("?", 2)
    assert summary.op_types["ai.onnx.ml.DictVectorizer"] == 1
    text = repr(summary)
    assert "seq(tensor(float))" in text and "sparse_tensor(float) [5, 5]" in text


def test_type_and_element_names():
    assert element_type_name(TensorProto.BFLOAT16) == "bfloat16"
    assert element_type_name(12345) == "elem_type 12345"
    nested = helper.make_sequence_type_proto(helper.make_map_type_proto(
        INT64, helper.make_tensor_type_proto(FLOAT, None)))
    assert type_text(nested) == "seq(map(int64,tensor(float)))"
    assert type_text(onnx.TypeProto()) == "unknown"


# --------------------------------------------------------------------------- #
# Converted and exported models
# --------------------------------------------------------------------------- #
def test_skl2onnx_iris_forest():
    forest = onnxlearn.iris_forest()
    summary = summarize(forest.onnx_path)
    estimator = forest.load_estimator()
    assert summary.checker.valid
    assert summary.header["producer_name"] == "skl2onnx"
    assert set(summary.header["opsets"]) == {"", "ai.onnx.ml"}
    assert summary.op_types["ai.onnx.ml.TreeEnsembleClassifier"] == 1
    assert summary.op_types["ai.onnx.ml.ZipMap"] == 1
    assert [(v.name, v.type, v.shape) for v in summary.inputs] == [
        ("float_input", "tensor(float)", ("?", estimator.n_features_in_))]
    assert {v.name: v.type for v in summary.outputs} == {
        "output_label": "tensor(int64)",
        "output_probability": "seq(map(int64,tensor(float)))"}


def test_pytorch_exported_model(tmp_path):
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3))
    path = tmp_path / "mlp.onnx"
    try:
        torch.onnx.export(net, (torch.zeros(2, 4),), str(path), input_names=["x"],
                          output_names=["y"],
                          dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}})
    except ImportError as exc:  # recent exporters also need onnxscript
        pytest.skip(f"torch.onnx.export needs a package that is not installed: {exc}")
    summary = summarize(path)
    assert summary.checker.valid, summary.checker.message
    assert summary.header["producer_name"] == "pytorch"
    assert summary.inputs[0].type == "tensor(float)"
    assert summary.inputs[0].shape[1] == 4 and isinstance(summary.inputs[0].shape[0], str)
    params = sum(p.numel() for p in net.parameters())
    assert summary.initializers.parameters + summary.initializers.sparse_count >= params


# --------------------------------------------------------------------------- #
# External data
# --------------------------------------------------------------------------- #
def test_external_data_is_listed_without_being_read(tmp_path):
    path = save_external(big_weights_model(), tmp_path / "ext")
    summary = summarize(path)
    ext = summary.external_data
    assert ext.used and ext.tensor_count == 1
    assert ext.bytes == 300 * 400 * 4
    assert ext.files == {"weights.bin": (tmp_path / "ext" / "weights.bin").stat().st_size}
    assert ext.loaded is False and ext.problems == ()
    assert summary.size_bytes == path.stat().st_size < 1000
    assert summary.initializers.bytes_by_dtype == {"float": 300 * 400 * 4}
    assert summary.checker.valid
    assert "weights.bin" in repr(summary)


def test_external_data_can_be_read_when_asked(tmp_path):
    path = save_external(big_weights_model(), tmp_path / "ext")
    ext = summarize(path, load_external_data=True).external_data
    assert ext.loaded is True and ext.problems == ()


def test_missing_external_file_is_reported_not_raised(tmp_path):
    path = save_external(big_weights_model(), tmp_path / "ext")
    (tmp_path / "ext" / "weights.bin").unlink()
    summary = summarize(path)
    assert summary.external_data.files == {"weights.bin": None}
    assert "missing" in summary.external_data.problems[0]
    assert not summary.checker.valid and "weights.bin" in summary.checker.message
    assert str(tmp_path) not in summary.checker.message
    loaded = summarize(path, load_external_data=True).external_data
    assert loaded.loaded is False and any("reading external data failed" in p
                                          for p in loaded.problems)


def test_truncated_external_file_is_reported(tmp_path):
    path = save_external(big_weights_model(), tmp_path / "ext")
    weights = tmp_path / "ext" / "weights.bin"
    weights.write_bytes(weights.read_bytes()[:1000])
    summary = summarize(path)
    assert summary.external_data.problems == (
        f"external file 'weights.bin' has 1000 bytes, the model needs {300 * 400 * 4}",)
    loaded = summarize(path, load_external_data=True).external_data
    assert not loaded.loaded and "exceeds available data" in loaded.problems[-1]


def test_external_data_in_a_modelproto_points_to_the_path(tmp_path):
    path = save_external(big_weights_model(), tmp_path / "ext")
    proto = onnx.load(path, load_external_data=False)
    summary = summarize(proto)
    assert summary.external_data.used and summary.external_data.files == {"weights.bin": None}
    assert not summary.checker.valid
    assert "summarize its path" in summary.checker.message


# --------------------------------------------------------------------------- #
# Models that fail the checker are still summarised
# --------------------------------------------------------------------------- #
def test_a_model_failing_the_checker_is_summarised_with_the_complaint(tmp_path):
    model = linear_regression()
    model.graph.node[1].input[1] = "no_such_tensor"
    path = tmp_path / "broken.onnx"
    onnx.save_model(model, path)
    summary = summarize(path)
    assert summary.checker.valid is False
    assert "no_such_tensor" in summary.checker.message
    assert summary.op_types == {"MatMul": 1, "Add": 1}
    assert "Checker: INVALID" in repr(summary)
    assert summary.to_dict()["checker"]["valid"] is False


def test_unknown_operator_fails_the_checker_but_not_the_summary():
    graph = helper.make_graph(
        [helper.make_node("NoSuchOp", ["x"], ["y"])], "typo",
        [helper.make_tensor_value_info("x", FLOAT, [1])],
        [helper.make_tensor_value_info("y", FLOAT, [1])])
    summary = summarize(helper.make_model(graph, opset_imports=opsets()))
    assert not summary.checker.valid and "NoSuchOp" in summary.checker.message
    assert summary.op_types == {"NoSuchOp": 1}


# --------------------------------------------------------------------------- #
# Bad input
# --------------------------------------------------------------------------- #
def test_missing_path(tmp_path):
    with pytest.raises(ModelNotFoundError, match="model file not found"):
        summarize(tmp_path / "nowhere.onnx")


def test_folder_names_the_onnx_files_inside(tmp_path):
    onnx.save_model(linear_regression(), tmp_path / "inside.onnx")
    with pytest.raises(ModelLoadError, match="folder.*inside.onnx"):
        summarize(tmp_path)
    empty = tmp_path / "saved_model"
    empty.mkdir()
    with pytest.raises(ModelLoadError, match="holds none"):
        summarize(empty)


def test_empty_file_and_empty_bytes(tmp_path):
    (tmp_path / "empty.onnx").write_bytes(b"")
    with pytest.raises(ModelLoadError, match="empty"):
        summarize(tmp_path / "empty.onnx")
    with pytest.raises(ModelLoadError, match="empty"):
        summarize(b"")


@pytest.mark.parametrize("keep", [0.999, 0.5, 0.01])
def test_truncated_file(tmp_path, keep):
    data = linear_regression().SerializeToString()
    path = tmp_path / "cut.onnx"
    path.write_bytes(data[: int(len(data) * keep)])
    with pytest.raises(ModelLoadError, match="truncated"):
        summarize(path)


@pytest.mark.parametrize("content", [b"hello, I am a text file\n", b"PK\x03\x04" + bytes(64),
                                     b'{"model": "json"}'])
def test_non_protobuf_file(tmp_path, content):
    path = tmp_path / "not_a_model.onnx"
    path.write_bytes(content)
    with pytest.raises(ModelLoadError, match="not an ONNX model"):
        summarize(path)


def test_protobuf_that_is_a_graph_not_a_model(tmp_path):
    path = tmp_path / "graph.pb"
    path.write_bytes(linear_regression().graph.SerializeToString())
    with pytest.raises(ModelLoadError, match="GraphProto.*make_model"):
        summarize(path)


@pytest.mark.parametrize("message, name", [
    (numpy_helper.from_array(np.arange(6, dtype=np.float32).reshape(2, 3), "t"), "TensorProto"),
    (helper.make_node("Relu", ["x"], ["y"]), "NodeProto"),
])
def test_protobuf_that_is_another_onnx_message(message, name):
    with pytest.raises(ModelLoadError, match=f"protobuf, but not an ONNX model.*{name}"):
        summarize(message.SerializeToString())


def test_wrong_argument_type():
    with pytest.raises(TypeError, match="path, bytes or onnx.ModelProto"):
        summarize(3.14)


# --------------------------------------------------------------------------- #
# to_dict, JSON and the `onnxlearn inspect` command
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("build", [linear_regression, if_model, scan_model, function_model,
                                   non_tensor_model])
def test_to_dict_is_json_ready_and_complete(build):
    data = summarize(build()).to_dict()
    assert json.loads(json.dumps(data)) == data
    assert set(data) == {"source", "file_name", "size_bytes", "header", "inputs", "outputs",
                         "op_types", "node_counts", "subgraph_count", "functions",
                         "value_info_count", "initializers", "external_data", "checker"}


def test_inspect_prints_the_text_summary(tmp_path, capsys):
    path = tmp_path / "linreg.onnx"
    onnx.save_model(linear_regression(), path)
    assert cli_main(["inspect", str(path)]) == 0
    assert capsys.readouterr().out.strip() == repr(summarize(path))


def test_inspect_json_is_stable_and_has_no_absolute_paths(tmp_path, capsys):
    path = save_external(big_weights_model(), tmp_path / "ext")
    outputs = []
    for _ in range(2):
        assert cli_main(["inspect", str(path), "--json"]) == 0
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]
    assert str(tmp_path) not in outputs[0]
    data = json.loads(outputs[0])
    assert data == summarize(path).to_dict()
    assert list(data) == sorted(data)
    assert data["external_data"]["files"] == {"weights.bin": 480000}


def test_inspect_same_model_in_two_folders_prints_the_same_json(tmp_path, capsys):
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        onnx.save_model(linear_regression(), tmp_path / folder / "m.onnx")
    cli_main(["inspect", str(tmp_path / "a" / "m.onnx"), "--json"])
    first = capsys.readouterr().out
    cli_main(["inspect", str(tmp_path / "b" / "m.onnx"), "--json"])
    assert capsys.readouterr().out == first


def test_inspect_exit_status_1_when_the_checker_complains(tmp_path, capsys):
    model = linear_regression()
    model.graph.node[1].input[1] = "no_such_tensor"
    onnx.save_model(model, tmp_path / "broken.onnx")
    assert cli_main(["inspect", str(tmp_path / "broken.onnx")]) == 1
    assert "Checker: INVALID" in capsys.readouterr().out


def test_inspect_reads_external_data_when_asked(tmp_path, capsys):
    path = save_external(big_weights_model(), tmp_path / "ext")
    assert cli_main(["inspect", str(path), "--json", "--load-external-data"]) == 0
    assert json.loads(capsys.readouterr().out)["external_data"]["loaded"] is True


def test_inspect_bad_file_exits_2_with_the_message(tmp_path, capsys):
    path = tmp_path / "text.onnx"
    path.write_text("not a model")
    assert cli_main(["inspect", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("onnxlearn inspect: not an ONNX model")
    assert cli_main(["inspect", str(tmp_path / "missing.onnx")]) == 2
    assert "model file not found" in capsys.readouterr().err


def test_a_file_using_an_unimported_domain_is_summarised_with_the_complaint(tmp_path):
    graph = helper.make_graph(
        [helper.make_node("Frobnicate", ["x"], ["y"], domain="com.example")], "unimported",
        [helper.make_tensor_value_info("x", FLOAT, [3])],
        [helper.make_tensor_value_info("y", FLOAT, [3])])
    path = tmp_path / "unimported.onnx"
    onnx.save_model(helper.make_model(graph, opset_imports=opsets()), path)
    summary = summarize(path)
    assert summary.op_types == {"com.example.Frobnicate": 1}
    assert not summary.checker.valid and "com.example" in summary.checker.message


def test_the_onnxlearn_command_runs_inspect(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "linreg.onnx"
    onnx.save_model(linear_regression(), path)
    done = subprocess.run([sys.executable, "-m", "onnxlearn", "inspect", str(path), "--json"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == summarize(path).to_dict()
