"""Self-checks of chapter 01: unanswered, missing files, wrong and right answers.

The chapter writes ``random_forest.pkl`` and ``model.onnx`` to the models
folder; each test here writes them the same way into a private folder.
"""

import joblib
import numpy as np
import onnxruntime as rt
import pytest

import onnxlearn
from onnxlearn.exercises import evaluate
from onnxlearn.exercises.ch01 import DEMO_ROWS


@pytest.fixture
def chapter_files(private_models_dir, iris_forest):
    """The two files chapter 01 writes, made as the chapter makes them."""
    private_models_dir.mkdir(parents=True, exist_ok=True)
    pickle_path = private_models_dir / "random_forest.pkl"
    onnx_path = private_models_dir / "model.onnx"
    joblib.dump(iris_forest.load_estimator(), pickle_path)
    onnx_path.write_bytes(iris_forest.onnx_path.read_bytes())
    return pickle_path, onnx_path


@pytest.mark.parametrize("exercise_id", ["01.1", "01.2", "01.3"])
def test_unanswered_gives_the_hint(exercise_id):
    feedback = evaluate(exercise_id, None)
    assert feedback.status == "unanswered" and "Hint:" in feedback.message


@pytest.mark.parametrize("exercise_id, answer", [("01.1", 2.0), ("01.2", 0.9),
                                                 ("01.3", ("output_probability", 0.5))])
def test_before_the_chapter_ran_the_check_says_so(private_models_dir, exercise_id, answer):
    feedback = evaluate(exercise_id, answer)
    assert feedback.status == "incorrect"
    assert "run the chapter's cells above first" in feedback.message


def test_01_1_size_ratio(chapter_files):
    pickle_path, onnx_path = chapter_files
    ratio = pickle_path.stat().st_size / onnx_path.stat().st_size
    assert evaluate("01.1", ratio).passed
    inverse = evaluate("01.1", 1 / ratio)
    assert not inverse.passed and "inverse" in inverse.message
    assert not evaluate("01.1", ratio * 1.5).passed
    assert "expected a number" in evaluate("01.1", "big").message


def test_01_2_accuracy(chapter_files):
    _, onnx_path = chapter_files
    split = onnxlearn.load_iris_split()
    session = rt.InferenceSession(onnx_path, providers=["CPUExecutionProvider"])
    labels = session.run(None, {"float_input": split.X_test.astype(np.float32)})[0]
    accuracy = float(np.mean(labels == split.y_test))
    assert evaluate("01.2", accuracy).passed
    assert "percentage" in evaluate("01.2", accuracy * 100).message
    assert not evaluate("01.2", accuracy - 1 / len(split.y_test)).passed


def test_01_3_probability_output(chapter_files):
    _, onnx_path = chapter_files
    session = rt.InferenceSession(onnx_path, providers=["CPUExecutionProvider"])
    name = session.get_outputs()[1].name
    first_row = session.run([name], {"float_input": DEMO_ROWS.astype(np.float32)})[0][0]
    assert evaluate("01.3", (name, first_row[0])).passed
    wrong_name = evaluate("01.3", ("output_label", first_row[0]))
    assert not wrong_name.passed and "second output" in wrong_name.message
    wrong_value = evaluate("01.3", (name, first_row[0] + 0.1))
    assert not wrong_value.passed and "P(setosa)" in wrong_value.message
    assert "tuple" in evaluate("01.3", name).message
