"""Self-checks of chapter 01, "Why ONNX?".

The expected answers are computed here, live, from the files the chapter
wrote to ``models/`` (``random_forest.pkl`` and ``model.onnx``).
"""

from __future__ import annotations

import numpy as np

from ..cache import models_dir
from . import exercise

#: The three rows of the reference demo.
DEMO_ROWS = np.array([[4.5, 4.9, 5.1, 5.4], [4.7, 4.1, 5.1, 5.1], [1.1, 1.1, 1.3, 5.9]])


def _chapter_file(name: str):
    path = models_dir() / name
    if not path.is_file():
        raise FileNotFoundError(
            f"{name} is not in models/ yet: run the chapter's cells above first")
    return path


def _as_float(answer) -> float:
    try:
        return float(answer)
    except (TypeError, ValueError):
        raise TypeError(f"expected a number, got {type(answer).__name__} {answer!r}") from None


@exercise("01.1", hint="sizes come from (models / 'random_forest.pkl').stat().st_size; "
                       "divide the pickle's size by the ONNX file's.")
def pickle_to_onnx_ratio(answer):
    expected = (_chapter_file("random_forest.pkl").stat().st_size
                / _chapter_file("model.onnx").stat().st_size)
    given = _as_float(answer)
    if abs(given - expected) <= 0.02 * expected:
        return True, f"The pickle is {expected:.1f}x the size of the ONNX file."
    if abs(given - 1 / expected) <= 0.02 / expected:
        return False, f"{given:.3f} is the inverse ratio (ONNX / pickle)"
    return False, f"{given:.3f} is not the ratio of the two file sizes"


@exercise("01.2", hint="session.run([op], {ip: X_test.astype(np.float32)})[0] gives the labels; "
                       "compare them with y_test and take the mean.")
def onnx_accuracy(answer):
    from ..datasets import load_iris_split
    from ..runtime import predict

    split = load_iris_split()
    labels = predict(_chapter_file("model.onnx"), split.X_test)
    expected = float(np.mean(labels == split.y_test))
    given = _as_float(answer)
    if given > 1:
        return False, f"{given} looks like a percentage; give a fraction between 0 and 1"
    if abs(given - expected) < 1e-9:
        return True, f"The ONNX model classifies {expected:.1%} of the test rows correctly."
    return False, f"{given:.4f} is not the accuracy on X_test"


@exercise("01.3", hint="session.get_outputs()[1].name is the name; run the session with "
                       "[that name] on data.astype(np.float32) and look at the first row, "
                       "a dict {class index: probability}.")
def probability_output(answer):
    from ..runtime import session

    onnx_session = session(_chapter_file("model.onnx"))
    output = onnx_session.get_outputs()[1].name
    first_row = onnx_session.run([output], {onnx_session.get_inputs()[0].name:
                                            DEMO_ROWS.astype(np.float32)})[0][0]
    expected = float(first_row[0])
    if not isinstance(answer, tuple) or len(answer) != 2:
        return False, f"expected a tuple (output_name, probability), got {answer!r}"
    name, probability = answer
    if name != output:
        return False, f"{name!r} is not the name of the second output"
    if abs(_as_float(probability) - expected) > 1e-4:
        return False, f"{name!r} is right, but {probability} is not P(setosa) for data[0]"
    return True, f"{output!r} is a ZipMap output: one {{class: probability}} dict per row."
