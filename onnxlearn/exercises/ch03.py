"""Self-checks of chapter 03, "Data types".

Every expected answer is computed here, live: with numpy for float16, by
running the learner's model with onnxruntime for the saturating cast, and by
comparing with the chapter's ``text_classifier.onnx`` for the text model.
"""

from __future__ import annotations

import numpy as np

from ..cache import models_dir
from . import exercise

#: Inputs the saturating-cast check feeds to the learner's model.
SATURATION_INPUTS = np.array([-1000.0, -128.5, -127.9, -3.7, 0.0, 3.7, 126.9, 127.5, 300.0, 1e6],
                             dtype=np.float32)
#: Sentences the text-classifier check scores with both models.
TEXT_PROBES = ["the kitten chased a ball of wool", "the central bank cut interest rates",
               "my dog sleeps on the sofa", "investors bought shares after the earnings report"]


def largest_exact_float16_integer() -> int:
    """The largest n such that every integer 0..n is exactly a float16 (computed, not stored).

    Examples
    --------
    >>> largest_exact_float16_integer()
    2048
    """
    candidates = np.arange(0, float(np.finfo(np.float16).max) + 1, dtype=np.float64)
    wrong = candidates[candidates.astype(np.float16).astype(np.float64) != candidates]
    return int(wrong[0]) - 1


@exercise("03.1", hint="cast np.arange(5000) to float16 and back to float64 (or run a Cast "
                       "model), then find the first integer that does not come back unchanged; "
                       "the answer is the one just before it.")
def float16_integers(answer):
    expected = largest_exact_float16_integer()
    try:
        given = int(answer)
    except (TypeError, ValueError):
        return False, f"expected an integer, got {type(answer).__name__} {answer!r}"
    if given == expected:
        return True, (f"every integer up to {expected} is exact in float16; "
                      f"{expected + 1} rounds to {float(np.float16(expected + 1)):g}.")
    if given == expected + 1:
        return False, f"{given} is the first integer that is *not* exact; give the one before"
    if given == 65504:
        return False, "65504 is float16's largest finite value, but not every integer below it " \
                      "is exact"
    return False, f"{given} is not it"


def _model_source(answer):
    """A path, bytes or ModelProto for onnxlearn.run, or raise TypeError."""
    import os

    import onnx

    if isinstance(answer, (onnx.ModelProto, bytes, bytearray, str, os.PathLike)):
        return answer
    raise TypeError(f"expected an onnx.ModelProto (or its path), got {type(answer).__name__}")


@exercise("03.2", hint="Clip(x, min, max) with float32 initializers -128 and 127, then "
                       "Cast(to=TensorProto.INT8); one float input and one int8 output.")
def saturating_int8_cast(answer):
    from ..runtime import run, session

    model = _model_source(answer)
    sess = session(model)
    inputs, outputs = sess.get_inputs(), sess.get_outputs()
    if len(inputs) != 1 or inputs[0].type != "tensor(float)":
        return False, ("the model should have one input of type tensor(float); it has "
                       + ", ".join(f"{i.name}: {i.type}" for i in inputs))
    if outputs[0].type != "tensor(int8)":
        return False, f"the first output should be tensor(int8), not {outputs[0].type}"
    got = np.asarray(list(run(model, {inputs[0].name: SATURATION_INPUTS}).values())[0])
    expected = np.trunc(np.clip(SATURATION_INPUTS, -128, 127)).astype(np.int8)
    if got.shape != expected.shape:
        return False, f"it returned shape {got.shape} for an input of shape {expected.shape}"
    if not np.array_equal(got, expected):
        pairs = zip(SATURATION_INPUTS, got, expected, strict=True)
        wrong = [f"{x:g} -> {g} (expected {e})" for x, g, e in pairs if g != e]
        return False, "it returned " + ", ".join(wrong[:3])
    return True, "out-of-range values now stop at -128 and 127 instead of wrapping around."


def _probability_matrix(value) -> np.ndarray:
    if isinstance(value, list):  # ZipMap output: one {class: probability} dict per row
        return np.array([[row[k] for k in sorted(row)] for row in value], dtype=np.float64)
    return np.asarray(value, dtype=np.float64)


@exercise("03.3", hint="convert text_pipeline again with options={LogisticRegression: "
                       "{'zipmap': False}, TfidfVectorizer: {'locale': 'C'}} and the same "
                       "StringTensorType([None, 1]) input.")
def text_classifier_without_zipmap(answer):
    from ..runtime import run, session

    model = _model_source(answer)
    sess = session(model)
    inputs = sess.get_inputs()
    if len(inputs) != 1 or inputs[0].type != "tensor(string)":
        return False, ("the model should have one string input; it has "
                       + ", ".join(f"{i.name}: {i.type}" for i in inputs))
    not_tensors = [o for o in sess.get_outputs() if not o.type.startswith("tensor(")]
    if not_tensors:
        return False, (f"output {not_tensors[0].name!r} is a {not_tensors[0].type}, "
                       "so ZipMap is still on")
    feed = {inputs[0].name: np.array(TEXT_PROBES, dtype=object).reshape(-1, 1)}
    outputs = run(model, feed)
    probabilities = _probability_matrix(list(outputs.values())[1])
    if probabilities.shape != (len(TEXT_PROBES), 2):
        return False, f"expected probabilities of shape ({len(TEXT_PROBES)}, 2), " \
                      f"got {probabilities.shape}"
    reference = models_dir() / "text_classifier.onnx"
    if reference.is_file():
        expected = _probability_matrix(list(run(reference, feed).values())[1])
        if not np.allclose(probabilities, expected, atol=1e-5):
            return False, ("its probabilities differ from the chapter's text_classifier.onnx "
                           f"by up to {np.abs(probabilities - expected).max():.3g}")
    return True, "a plain (n, 2) float tensor of probabilities, and no ZipMap."
