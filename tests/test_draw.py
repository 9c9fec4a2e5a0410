"""onnxlearn.draw: static drawings of real graphs, saved as real PNG and SVG files."""

from __future__ import annotations

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

import onnxlearn
from onnxlearn.cli import main
from onnxlearn.errors import InputMismatchError, ModelLoadError, ModelNotFoundError


def linear_model() -> onnx.ModelProto:
    weights = numpy_helper.from_array(np.ones((3, 2), np.float32), "W")
    bias = numpy_helper.from_array(np.zeros(2, np.float32), "B")
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "W"], ["xw"], name="matmul"),
         helper.make_node("Add", ["xw", "B"], ["logits"], name="add"),
         helper.make_node("Relu", ["logits"], ["y"], name="relu")], "linear",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 2])], [weights, bias])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)])


def if_model() -> onnx.ModelProto:
    def branch(op, name):
        return helper.make_graph(
            [helper.make_node(op, ["x"], [f"{name}_out"], name=f"{name}_{op.lower()}")], name,
            [], [helper.make_tensor_value_info(f"{name}_out", TensorProto.FLOAT, [3])])

    graph = helper.make_graph(
        [helper.make_node("ReduceSum", ["x"], ["total"], name="sum", keepdims=0),
         helper.make_node("Greater", ["total", "zero"], ["positive"], name="greater"),
         helper.make_node("If", ["positive"], ["y"], name="choose",
                          then_branch=branch("Relu", "then"),
                          else_branch=branch("Neg", "else"))], "branchy",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [3])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [3])],
        [numpy_helper.from_array(np.array(0.0, np.float32), "zero")])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)])


def chain_model(length: int) -> onnx.ModelProto:
    nodes = [helper.make_node("Relu", [f"t{i}"], [f"t{i + 1}"], name=f"relu{i}")
             for i in range(length)]
    graph = helper.make_graph(
        nodes, "chain", [helper.make_tensor_value_info("t0", TensorProto.FLOAT, [4])],
        [helper.make_tensor_value_info(f"t{length}", TensorProto.FLOAT, [4])])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)])


def test_tiny_graph_has_inputs_nodes_outputs_and_shape_labels():
    drawing = onnxlearn.draw(linear_model())
    assert repr(drawing) == "<static drawing of graph 'linear': 3 nodes>"
    # shapes of the intermediate tensors come from shape inference
    assert drawing.edge_labels == {("x", "matmul"): "float[N,3]",
                                   ("matmul", "add"): "float[N,2]",
                                   ("add", "relu"): "float[N,2]",
                                   ("relu", "y"): "float[N,2]"}
    assert drawing.node_labels == {"x": "x\nfloat[N,3]", "matmul": "MatMul\nmatmul\nW float[3,2]",
                                   "add": "Add\nadd\nB float[2]", "relu": "Relu\nrelu",
                                   "y": "y\nfloat[N,2]"}  # weights folded into their node
    assert drawing.notes == []


def test_initializers_can_be_shown_apart_or_hidden():
    shown = onnxlearn.draw(linear_model(), initializers="show")
    assert ("W", "matmul") in shown.edge_labels and ("B", "add") in shown.edge_labels
    assert shown.node_labels["W"] == "W\nfloat[3,2]"
    assert shown.node_labels["matmul"] == "MatMul\nmatmul"
    hidden = onnxlearn.draw(linear_model(), initializers="hide")
    assert set(hidden.node_labels) == {"x", "matmul", "add", "relu", "y"}
    assert hidden.node_labels["matmul"] == "MatMul\nmatmul"


def test_saves_png_and_svg(tmp_path):
    drawing = onnxlearn.draw(linear_model(), path=tmp_path / "linear.svg")
    svg = (tmp_path / "linear.svg").read_text()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    drawing.save(tmp_path / "linear.png")
    assert (tmp_path / "linear.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert drawing._repr_png_()[:4] == b"\x89PNG"
    with pytest.raises(InputMismatchError, match=r"expected a \.png or \.svg file name"):
        drawing.save(tmp_path / "linear.jpg")


def test_subgraphs_are_summarised_or_expanded():
    summary = onnxlearn.draw(if_model())
    assert summary.node_labels["choose"] == "If\nchoose\nelse_branch: 1 nodes\nthen_branch: 1 nodes"
    assert any("2 subgraph(s) summarised" in note for note in summary.notes)
    expanded = onnxlearn.draw(if_model(), subgraphs="expand")
    titles = [axis.get_title() for axis in expanded.figure.axes]
    assert titles == ["branchy", "If 'choose': else_branch", "If 'choose': then_branch"]


def test_a_body_drawn_alone_shows_its_outer_scope_inputs():
    body = next(a.g for a in if_model().graph.node[2].attribute if a.name == "then_branch")
    drawing = onnxlearn.draw(body)
    assert set(drawing.edge_labels) == {("x", "then_relu"), ("then_relu", "then_out")}
    assert repr(drawing) == "<static drawing of graph 'then': 1 node>"


def test_empty_graphs():
    no_nodes = helper.make_model(helper.make_graph([], "empty", [], []))
    drawing = onnxlearn.draw(no_nodes)
    assert repr(drawing) == ("<static drawing of graph 'empty': 0 nodes>\n"
                             "Graph 'empty' has no nodes.")
    assert drawing._repr_png_()[:4] == b"\x89PNG"
    passthrough = helper.make_model(helper.make_graph(
        [], "passthrough", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2])],
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2])]))
    assert onnxlearn.draw(passthrough).edge_labels == {("x", "x"): "float[2]"}


def test_large_graphs_are_truncated_with_a_note():
    drawing = onnxlearn.draw(chain_model(60), max_nodes=20)
    assert drawing.operator_count == 60
    assert drawing.notes[0] == ("Showing the first 20 of 60 operator nodes; 40 left out. "
                                "Pass max_nodes=None to draw them all, or use Netron "
                                "(onnxlearn.show).")
    drawn_ops = {target for _, target in drawing.edge_labels} - {"t60"}
    assert drawn_ops == {f"relu{i}" for i in range(20)}
    assert "Showing the first 20" in repr(drawing)


def test_side_by_side_draws_each_model_in_its_panel():
    drawing = onnxlearn.draw_side_by_side([linear_model(), chain_model(2)],
                                          titles=["linear", "two relus"])
    assert [axis.get_title() for axis in drawing.figure.axes] == ["linear", "two relus"]
    assert repr(drawing) == ("<static drawings side by side: 'linear' (3 nodes), "
                             "'two relus' (2 nodes)>")


def test_accepts_paths_and_bytes_and_course_models(tmp_path):
    path = tmp_path / "linear.onnx"
    onnx.save(linear_model(), path)
    assert repr(onnxlearn.draw(path)) == repr(onnxlearn.draw(path.read_bytes()))
    forest = onnxlearn.draw(onnxlearn.iris_forest().onnx_path)
    assert forest.edge_labels[("float_input", "TreeEnsembleClassifier")] == "float[?,4]"


def test_bad_input(tmp_path):
    with pytest.raises(ModelNotFoundError, match="model file not found"):
        onnxlearn.draw(tmp_path / "missing.onnx")
    (tmp_path / "junk.onnx").write_bytes(b"\x00\x01junk")
    with pytest.raises(ModelLoadError, match="not an ONNX model"):
        onnxlearn.draw(tmp_path / "junk.onnx")
    with pytest.raises(InputMismatchError, match="expected 'fold' or 'show' or 'hide'"):
        onnxlearn.draw(linear_model(), initializers="inline")
    with pytest.raises(InputMismatchError, match="expected 'summary' or 'expand'"):
        onnxlearn.draw(linear_model(), subgraphs="all")
    with pytest.raises(InputMismatchError, match="max_nodes must be positive"):
        onnxlearn.draw(linear_model(), max_nodes=0)


def test_draw_command_saves_a_file(tmp_path, capsys):
    path = tmp_path / "linear.onnx"
    onnx.save(linear_model(), path)
    assert main(["draw", str(path), "-o", str(tmp_path / "out.png")]) == 0
    assert (tmp_path / "out.png").read_bytes()[:4] == b"\x89PNG"
    assert "<static drawing of graph 'linear': 3 nodes>" in capsys.readouterr().out
    assert main(["draw", str(path), "-o", str(tmp_path / "out.pdf")]) == 2
    error = capsys.readouterr().err
    assert error.startswith("onnxlearn draw: cannot save a drawing in this format")
    assert error.count("\n") == 1
    assert main(["draw", str(tmp_path / "nope.onnx"), "-o", str(tmp_path / "x.svg")]) == 2
