"""Self-checks of chapter 09, "Visualizing models".

Expected answers are computed here, live: from the course's Iris forest,
from the two digit models the chapter wrote to ``models/``
(``ch09_digits_mlp.onnx`` and ``ch09_digits_mlp_int8.onnx``), and from the
SVG file the learner saved.
"""

from __future__ import annotations

from pathlib import Path

from ..cache import models_dir
from . import exercise


def _op_types(path: Path) -> set:
    import onnx

    return {node.op_type for node in onnx.load(path, load_external_data=False).graph.node}


@exercise("09.1", hint="in Netron, follow the edge to the output 'output_probability'; "
                       "or look for the node that produces it in model.graph.node.")
def probabilities_to_dicts(answer):
    import onnx

    from ..zoo import iris_forest

    graph = onnx.load(iris_forest().onnx_path).graph
    expected = next(node.op_type for node in graph.node
                    if "output_probability" in node.output)
    if not isinstance(answer, str):
        return False, f"give the op type as a string, such as 'Relu'; you gave {answer!r}"
    if answer.strip() == expected:
        return True, f"{expected} turns the probability tensor into one dict per row."
    if answer.strip().lower() == expected.lower():
        return False, f"op types are case-sensitive: {answer!r} should be spelt as Netron shows it"
    return False, f"{answer!r} is not the node that produces 'output_probability'"


@exercise("09.2", hint="build {node.op_type for node in onnx.load(path).graph.node} for both "
                       "files and subtract the float32 set from the int8 set.")
def quantization_ops(answer):
    paths = [models_dir() / "ch09_digits_mlp.onnx", models_dir() / "ch09_digits_mlp_int8.onnx"]
    missing = [path.name for path in paths if not path.is_file()]
    if missing:
        return False, f"{', '.join(missing)} not in models/ yet: run the chapter's cells first"
    expected = _op_types(paths[1]) - _op_types(paths[0])
    if isinstance(answer, str) or not hasattr(answer, "__iter__"):
        return False, f"give a set of op type strings, such as {{'Relu'}}; you gave {answer!r}"
    given = set(answer)
    if given == expected:
        return True, f"Quantization added {', '.join(sorted(expected))}."
    parts = []
    if expected - given:
        parts.append(f"{len(expected - given)} op type(s) missing")
    if given - expected:
        parts.append(f"{sorted(given - expected)} not new in the int8 model")
    return False, " and ".join(parts)


@exercise("09.3", hint="onnxlearn.draw(model).save(onnxlearn.models_dir() / 'forest.svg') "
                       "returns the path.")
def saved_svg(answer):
    try:
        path = Path(answer)
    except TypeError:
        return False, f"give the saved file's path; you gave {answer!r}"
    if path.suffix.lower() != ".svg":
        return False, f"{path.name!r} does not end with .svg"
    if not path.is_file():
        return False, f"there is no file at {path.name!r} yet"
    head = path.read_bytes()[:2000]
    if b"<svg" not in head:
        return False, f"{path.name!r} is not an SVG image"
    if path.resolve().parent != models_dir().resolve():
        return False, f"{path.name!r} is not in onnxlearn.models_dir()"
    # matplotlib keeps every label's text in the SVG, so the forest's tree node must be there
    if b"TreeEnsemble" not in path.read_bytes():
        return False, (f"{path.name!r} is a drawing, but not of the Iris forest (no "
                       "TreeEnsembleClassifier node in it): draw onnxlearn.iris_forest().onnx_path")
    return True, f"{path.name} is an SVG drawing of the Iris forest in models/."
