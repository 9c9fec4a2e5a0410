"""Self-checks of chapter 02: unanswered, wrong and right answers."""

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

import onnxlearn
from onnxlearn.exercises import evaluate
from onnxlearn.exercises.ch02 import tree_depths


def affine_model(scale=2.0, shift=1.0, features=3, with_shift=True) -> onnx.ModelProto:
    nodes = [helper.make_node("Mul", ["X", "two"], ["twice"])]
    initializers = [numpy_helper.from_array(np.array(scale, np.float32), "two")]
    output = "twice"
    if with_shift:
        nodes.append(helper.make_node("Add", ["twice", "one"], ["Y"]))
        initializers.append(numpy_helper.from_array(np.array(shift, np.float32), "one"))
        output = "Y"
    graph = helper.make_graph(
        nodes, "affine", [helper.make_tensor_value_info("X", TensorProto.FLOAT, ["N", features])],
        [helper.make_tensor_value_info(output, TensorProto.FLOAT, ["N", features])], initializers)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)])


def tree_depths_from_scikit_learn():
    estimator = onnxlearn.iris_forest().load_estimator()
    return [tree.get_depth() for tree in estimator.estimators_]


@pytest.mark.parametrize("exercise_id", ["02.1", "02.2", "02.3"])
def test_unanswered_gives_the_hint(exercise_id):
    feedback = evaluate(exercise_id, None)
    assert feedback.status == "unanswered" and "Hint:" in feedback.message


def test_02_1_right_model():
    feedback = evaluate("02.1", affine_model())
    assert feedback.passed, feedback.message


@pytest.mark.parametrize("answer, reason", [
    ("a string", "expected an onnx.ModelProto"),
    (affine_model(with_shift=False), "the + 1 is missing"),
    (affine_model(shift=3.0), "is not 2·X + 1"),
    (affine_model(features=5), "failed"),
])
def test_02_1_wrong_answers(answer, reason):
    feedback = evaluate("02.1", answer)
    assert feedback.status == "incorrect" and reason in feedback.message


def test_02_1_model_refused_by_the_checker():
    model = affine_model()
    model.graph.node[1].op_type = "Plus"
    feedback = evaluate("02.1", model)
    assert feedback.status == "incorrect" and "checker refuses" in feedback.message


def test_02_2_depth_of_the_deepest_tree():
    depths = tree_depths_from_scikit_learn()
    deepest = max(depths)
    assert evaluate("02.2", deepest).passed
    assert evaluate("02.2", np.int64(deepest)).passed
    assert "counts the nodes" in evaluate("02.2", deepest + 1).message
    if depths[0] != deepest:
        assert "tree 0 only" in evaluate("02.2", depths[0]).message
    assert evaluate("02.2", deepest + 5).status == "incorrect"
    assert "expected an integer" in evaluate("02.2", str(deepest)).message
    assert "expected an integer" in evaluate("02.2", True).message


def test_tree_depths_match_scikit_learn():
    model = onnx.load(onnxlearn.iris_forest().onnx_path)
    node = next(n for n in model.graph.node if n.op_type == "TreeEnsembleClassifier")
    attributes = {a.name: helper.get_attribute_value(a) for a in node.attribute}
    depths = tree_depths(attributes)
    assert [depths[tree_id] for tree_id in sorted(depths)] == tree_depths_from_scikit_learn()


def test_02_3_metadata_saved_and_read_back(tmp_path):
    model = affine_model()
    helper.set_model_props(model, {"course": "onnx", "chapter": "02", "extra": "ok"})
    path = tmp_path / "with_metadata.onnx"
    onnx.save(model, path)
    feedback = evaluate("02.3", path)
    assert feedback.passed and "'chapter': '02'" in feedback.message
    assert evaluate("02.3", str(path)).passed


def test_02_3_wrong_answers(tmp_path):
    path = tmp_path / "plain.onnx"
    onnx.save(affine_model(), path)
    assert "metadata_props are empty" in evaluate("02.3", path).message
    partial = affine_model()
    helper.set_model_props(partial, {"course": "onnx", "chapter": "2"})
    onnx.save(partial, tmp_path / "partial.onnx")
    assert "'chapter': '02'" in evaluate("02.3", tmp_path / "partial.onnx").message
    assert "expected the path" in evaluate("02.3", affine_model()).message
    missing = evaluate("02.3", tmp_path / "nowhere.onnx")
    assert missing.status == "incorrect" and "not found" in missing.message
