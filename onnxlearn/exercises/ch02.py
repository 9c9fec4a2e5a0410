"""Self-checks of chapter 02, "The ONNX file format".

The expected answers are computed here, live: 02.1 runs the learner's model
with onnxruntime, 02.2 walks the trees of the course's Iris forest, and
02.3 reads the metadata back from the file the learner saved.
"""

from __future__ import annotations

import os

import numpy as np

from . import exercise

#: The metadata exercise 02.3 asks for.
WANTED_METADATA = {"course": "onnx", "chapter": "02"}


@exercise("02.1", hint="one input X (float, shape ['N', 3]), a constant 2 and a constant 1 as "
                       "initializers, then helper.make_node('Mul', ...) and "
                       "helper.make_node('Add', ...); wrap them with make_graph and make_model.")
def twice_plus_one(answer):
    import onnx
    import onnxruntime

    if not isinstance(answer, onnx.ModelProto):
        return False, (f"expected an onnx.ModelProto (from helper.make_model), "
                       f"got {type(answer).__name__}")
    try:
        onnx.checker.check_model(answer)
    except onnx.checker.ValidationError as exc:
        first_line = str(exc).strip().splitlines()[0]
        return False, f"the checker refuses the model: {first_line}"
    session = onnxruntime.InferenceSession(answer.SerializeToString(),
                                           providers=["CPUExecutionProvider"])
    inputs = session.get_inputs()
    if len(inputs) != 1:
        return False, f"the graph should have one input X, it has {len(inputs)}"
    X = np.random.default_rng(2).normal(size=(4, 3)).astype(np.float32)
    try:
        Y = session.run(None, {inputs[0].name: X})[0]
    except Exception as exc:  # e.g. declared shape or type that refuses X
        return False, f"running it on X of shape (4, 3), float32, failed: {exc}"
    if np.shape(Y) != X.shape:
        return False, f"for X of shape (4, 3) the output has shape {np.shape(Y)}, not (4, 3)"
    if np.allclose(Y, 2 * X, atol=1e-5):
        return False, "the model computes 2·X: the + 1 is missing"
    if not np.allclose(Y, 2 * X + 1, atol=1e-5):
        return False, "its output is not 2·X + 1"
    return True, "Your hand-built model computes 2·X + 1, checked with onnxruntime."


def _tree_ensemble_node():
    import onnx

    from ..zoo import iris_forest

    model = onnx.load(iris_forest().onnx_path)
    return next(node for node in model.graph.node if node.op_type.startswith("TreeEnsemble"))


def tree_depths(attributes) -> dict:
    """The depth of every tree of a TreeEnsemble node, from its flattened attributes.

    The depth is the number of tests (``BRANCH_LEQ`` nodes) on the longest path from the
    root to a leaf, as scikit-learn's ``tree.get_depth()`` counts it.

    Examples
    --------
    >>> one_tree = {"nodes_treeids": [0, 0, 0, 0, 0], "nodes_nodeids": [0, 1, 2, 3, 4],
    ...             "nodes_modes": [b"BRANCH_LEQ", b"LEAF", b"BRANCH_LEQ", b"LEAF", b"LEAF"],
    ...             "nodes_truenodeids": [1, 0, 3, 0, 0], "nodes_falsenodeids": [2, 0, 4, 0, 0]}
    >>> tree_depths(one_tree)
    {0: 2}
    """
    index = {(t, n): i for i, (t, n) in enumerate(zip(attributes["nodes_treeids"],
                                                        attributes["nodes_nodeids"], strict=True))}
    deepest = {}
    for tree_id in sorted(set(attributes["nodes_treeids"])):
        deepest[tree_id] = 0
        stack = [(0, 0)]  # (node id, depth), from the root
        while stack:
            node_id, depth = stack.pop()
            i = index[tree_id, node_id]
            if attributes["nodes_modes"][i] == b"LEAF":
                deepest[tree_id] = max(deepest[tree_id], depth)
            else:
                stack += [(attributes["nodes_truenodeids"][i], depth + 1),
                          (attributes["nodes_falsenodeids"][i], depth + 1)]
    return deepest


@exercise("02.2", hint="write depth(tree_id, node_id): 0 for a LEAF, otherwise 1 + the larger "
                       "depth of its two children (nodes_truenodeids, nodes_falsenodeids), like "
                       "walk_tree in section 7; call it on node 0 of every tree and take the max.")
def forest_depth(answer):
    from onnx import helper

    attributes = {a.name: helper.get_attribute_value(a) for a in _tree_ensemble_node().attribute}
    depths = tree_depths(attributes)
    expected = max(depths.values())
    if isinstance(answer, bool) or not isinstance(answer, (int, np.integer)):
        return False, f"expected an integer, got {answer!r}"
    if answer == expected:
        deepest = sum(depth == expected for depth in depths.values())
        return True, (f"The deepest trees ask {expected} questions before reaching a leaf "
                      f"({deepest} of the {len(depths)} trees reach that depth).")
    if answer == expected + 1:
        return False, (f"{answer} counts the nodes on the longest path; count the tests "
                       "(edges) instead: a tree made of a single leaf has depth 0")
    if answer == depths.get(0):
        return False, f"{answer} is the depth of tree 0 only; take the largest over all trees"
    return False, f"{answer} is not the depth of the deepest tree"


@exercise("02.3", hint="copy the model (m = onnx.ModelProto(); m.CopyFrom(model)), call "
                       "helper.set_model_props(m, {'course': 'onnx', 'chapter': '02'}), "
                       "onnx.save(m, path), and assign the path to the answer.")
def saved_metadata(answer):
    import onnx
    import onnxruntime

    from ..modelfile import check_model_path

    if not isinstance(answer, (str, os.PathLike)):
        return False, f"expected the path of the saved file, got {type(answer).__name__}"
    path = check_model_path(answer)
    found = {prop.key: prop.value for prop in onnx.load(path).metadata_props}
    missing = {k: v for k, v in WANTED_METADATA.items() if found.get(k) != v}
    if missing:
        return False, (f"the file's metadata_props are {found or 'empty'}; "
                       f"missing or different: {missing}")
    session = onnxruntime.InferenceSession(os.fspath(path), providers=["CPUExecutionProvider"])
    read_back = session.get_modelmeta().custom_metadata_map
    return True, (f"onnxruntime reads it back too: "
                  f"{ {k: read_back[k] for k in sorted(WANTED_METADATA)} }.")
