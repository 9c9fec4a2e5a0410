"""Self-checks of chapter 09: unanswered, wrong and right answers, computed live."""

from __future__ import annotations

import numpy as np
import pytest
from onnx import TensorProto, helper

import onnxlearn
from onnxlearn.exercises import evaluate


@pytest.fixture
def chapter_models(tmp_path, monkeypatch):
    """The two digit models of section 3, in a models/ folder of their own."""
    monkeypatch.setenv("ONNXLEARN_MODELS_DIR", str(tmp_path))
    from onnxruntime.quantization import QuantType, quantize_dynamic

    weights = helper.make_tensor("W", TensorProto.FLOAT, [4, 2],
                                 np.linspace(-1, 1, 8, dtype=np.float32))
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "W"], ["y"], name="matmul")], "mlp",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 2])], [weights])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)])
    float_path = tmp_path / "ch09_digits_mlp.onnx"
    float_path.write_bytes(model.SerializeToString())
    quantize_dynamic(float_path, tmp_path / "ch09_digits_mlp_int8.onnx",
                     weight_type=QuantType.QInt8)
    return tmp_path


def test_09_1_zipmap():
    assert evaluate("09.1", None).status == "unanswered"
    assert evaluate("09.1", "ZipMap").passed
    wrong_case = evaluate("09.1", "zipmap")
    assert wrong_case.status == "incorrect" and "case-sensitive" in wrong_case.message
    assert "is not the node" in evaluate("09.1", "Cast").message
    assert "as a string" in evaluate("09.1", 3).message


def test_09_2_new_op_types(chapter_models):
    assert evaluate("09.2", None).status == "unanswered"
    right = {"DynamicQuantizeLinear", "MatMulInteger", "Mul", "Cast"}
    assert evaluate("09.2", right).passed
    assert evaluate("09.2", sorted(right)).passed  # any collection of names
    missing = evaluate("09.2", {"MatMulInteger"})
    assert not missing.passed and "3 op type(s) missing" in missing.message
    extra = evaluate("09.2", right | {"MatMul"})
    assert "['MatMul'] not new" in extra.message
    assert "a set of op type strings" in evaluate("09.2", "MatMulInteger").message


def test_09_2_before_the_models_exist(tmp_path, monkeypatch):
    monkeypatch.setenv("ONNXLEARN_MODELS_DIR", str(tmp_path))
    feedback = evaluate("09.2", {"Mul"})
    assert not feedback.passed and "run the chapter's cells first" in feedback.message


def test_09_3_saved_svg(tmp_path, monkeypatch):
    forest_path = onnxlearn.iris_forest().onnx_path  # from the course's models/, built once
    monkeypatch.setenv("ONNXLEARN_MODELS_DIR", str(tmp_path))
    assert evaluate("09.3", None).status == "unanswered"
    saved = onnxlearn.draw(forest_path).save(tmp_path / "forest.svg")
    assert evaluate("09.3", saved).passed
    assert evaluate("09.3", str(saved)).passed
    graph = helper.make_graph(
        [helper.make_node("Relu", ["x"], ["y"])], "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2])])
    drawing = onnxlearn.draw(helper.make_model(graph))
    another_model = evaluate("09.3", drawing.save(tmp_path / "relu.svg"))
    assert another_model.status == "incorrect" and "not of the Iris forest" in another_model.message
    assert "does not end with .svg" in evaluate("09.3", drawing.save(tmp_path / "f.png")).message
    assert "no file" in evaluate("09.3", tmp_path / "missing.svg").message
    (tmp_path / "fake.svg").write_text("not a picture")
    assert "not an SVG image" in evaluate("09.3", tmp_path / "fake.svg").message
    elsewhere = tmp_path / "sub"
    elsewhere.mkdir()
    assert "not in onnxlearn.models_dir()" in evaluate(
        "09.3", drawing.save(elsewhere / "x.svg")).message
    assert "give the saved file's path" in evaluate("09.3", 12).message
