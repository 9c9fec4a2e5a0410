"""Tests of chapter 03's self-checks: unanswered, wrong and right answers."""

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from onnxlearn.cache import models_dir
from onnxlearn.exercises import evaluate
from onnxlearn.exercises.ch03 import largest_exact_float16_integer

OPSET = [helper.make_opsetid("", 18)]
TARGET = {"": 18, "ai.onnx.ml": 3}


def float_to_int8(nodes, initializers=(), output_type=TensorProto.INT8,
                  input_type=TensorProto.FLOAT):
    return helper.make_model(helper.make_graph(
        nodes, "cast", [helper.make_tensor_value_info("x", input_type, [None])],
        [helper.make_tensor_value_info("y", output_type, [None])],
        initializer=list(initializers)), opset_imports=OPSET)


def saturating():
    low = numpy_helper.from_array(np.array(-128.0, dtype=np.float32), "low")
    high = numpy_helper.from_array(np.array(127.0, dtype=np.float32), "high")
    return float_to_int8([helper.make_node("Clip", ["x", "low", "high"], ["c"]),
                          helper.make_node("Cast", ["c"], ["y"], to=TensorProto.INT8)],
                         [low, high])


@pytest.fixture(scope="module")
def text_pipeline():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    texts = ["the cat sat", "a dog barked", "my kitten sleeps", "the puppy plays",
             "shares fell", "the bank raised rates", "investors sold stock", "markets rallied"]
    return make_pipeline(TfidfVectorizer(), LogisticRegression()).fit(texts, [0] * 4 + [1] * 4)


def convert_text(pipeline, *, zipmap):
    from skl2onnx import convert_sklearn
    from skl2onnx.common.data_types import StringTensorType
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    return convert_sklearn(
        pipeline, initial_types=[("text", StringTensorType([None, 1]))], target_opset=TARGET,
        options={TfidfVectorizer: {"locale": "C"}, LogisticRegression: {"zipmap": zipmap}})


@pytest.mark.parametrize("exercise_id", ["03.1", "03.2", "03.3"])
def test_unanswered_gives_a_hint(exercise_id):
    for blank in (None, ...):
        feedback = evaluate(exercise_id, blank)
        assert feedback.status == "unanswered"
        assert "Hint:" in feedback.message


def test_03_1_float16_integers():
    expected = largest_exact_float16_integer()
    # computed live, and consistent with float16 itself
    assert float(np.float16(expected)) == expected
    assert float(np.float16(expected + 1)) != expected + 1
    assert evaluate("03.1", expected).passed
    assert evaluate("03.1", np.int64(expected)).passed
    one_more = evaluate("03.1", expected + 1)
    assert one_more.status == "incorrect" and "first integer" in one_more.message
    assert "largest finite" in evaluate("03.1", 65504).message
    assert evaluate("03.1", "lots").status == "incorrect"


def test_03_2_saturating_cast_right(tmp_path):
    assert evaluate("03.2", saturating()).passed
    path = tmp_path / "saturating.onnx"
    onnx.save(saturating(), path)
    assert evaluate("03.2", path).passed
    assert evaluate("03.2", str(path)).passed


def test_03_2_plain_cast_wraps_around():
    plain = float_to_int8([helper.make_node("Cast", ["x"], ["y"], to=TensorProto.INT8)])
    feedback = evaluate("03.2", plain)
    assert feedback.status == "incorrect"
    assert "expected -128" in feedback.message or "expected 127" in feedback.message


@pytest.mark.parametrize("model, words", [
    (lambda: float_to_int8([helper.make_node("Cast", ["x"], ["y"], to=TensorProto.INT32)],
                           output_type=TensorProto.INT32), "tensor(int8)"),
    (lambda: float_to_int8([helper.make_node("Cast", ["x"], ["y"], to=TensorProto.INT8)],
                           input_type=TensorProto.DOUBLE), "one input of type tensor(float)"),
    (lambda: "not a model at all", "could not be checked"),
    (lambda: 42, "expected an onnx.ModelProto"),
])
def test_03_2_wrong_answers(model, words):
    feedback = evaluate("03.2", model())
    assert feedback.status == "incorrect"
    assert words in feedback.message


def test_03_3_text_classifier_without_zipmap(text_pipeline, private_models_dir):
    # an empty models folder: no chapter model to compare with, whatever ran before
    right = convert_text(text_pipeline, zipmap=False)
    assert evaluate("03.3", right).passed
    with_zipmap = evaluate("03.3", convert_text(text_pipeline, zipmap=True))
    assert with_zipmap.status == "incorrect" and "ZipMap is still on" in with_zipmap.message


def test_03_3_compares_with_the_chapter_model(text_pipeline, private_models_dir):
    from sklearn.base import clone

    reference = convert_text(text_pipeline, zipmap=True)  # what the chapter saves
    (models_dir() / "text_classifier.onnx").write_bytes(reference.SerializeToString())
    assert evaluate("03.3", convert_text(text_pipeline, zipmap=False)).passed

    other = clone(text_pipeline).fit(["cat", "dog", "bank", "shares"], [0, 0, 1, 1])
    feedback = evaluate("03.3", convert_text(other, zipmap=False))
    assert feedback.status == "incorrect" and "text_classifier.onnx" in feedback.message


def test_03_3_needs_a_string_input():
    numeric = float_to_int8([helper.make_node("Cast", ["x"], ["y"], to=TensorProto.INT8)])
    feedback = evaluate("03.3", numeric)
    assert feedback.status == "incorrect" and "one string input" in feedback.message
