# %% [markdown]
# # 02 · The ONNX file format — solutions
#
# The exercises of chapter 02, answered. The first cells rebuild what the exercises use: the
# hand-built linear regression `linreg`, and the course's Iris forest.

# %%
import onnxlearn

onnxlearn.setup_notebook()

# %%
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

models = onnxlearn.models_dir()

A = np.array([[1.0, -1.0], [2.0, 0.5], [0.0, 3.0]], dtype=np.float32)
B = np.array([0.5, -2.0], dtype=np.float32)
linreg = helper.make_model(helper.make_graph(
    [helper.make_node("MatMul", ["X", "A"], ["XA"], name="matmul"),
     helper.make_node("Add", ["XA", "B"], ["Y"], name="add")],
    "linear_regression",
    [helper.make_tensor_value_info("X", TensorProto.FLOAT, ["N", 3])],
    [helper.make_tensor_value_info("Y", TensorProto.FLOAT, ["N", 2])],
    [numpy_helper.from_array(A, "A"), numpy_helper.from_array(B, "B")]),
    opset_imports=[helper.make_opsetid("", 18)], producer_name="onnx-course")

forest_model = onnx.load(onnxlearn.iris_forest().onnx_path)

# %% [markdown]
# **Exercise 02.1.** Build by hand a model that computes $Y = 2X + 1$ for a float input `X`
# of shape `["N", 3]`.
#
# The constants 2 and 1 are scalar initializers; `Mul` and `Add` broadcast them over `X`.

# %%
answer_1 = helper.make_model(helper.make_graph(
    [helper.make_node("Mul", ["X", "two"], ["twice"]),
     helper.make_node("Add", ["twice", "one"], ["Y"])],
    "twice_plus_one",
    [helper.make_tensor_value_info("X", TensorProto.FLOAT, ["N", 3])],
    [helper.make_tensor_value_info("Y", TensorProto.FLOAT, ["N", 3])],
    [numpy_helper.from_array(np.array(2.0, np.float32), "two"),
     numpy_helper.from_array(np.array(1.0, np.float32), "one")]),
    opset_imports=[helper.make_opsetid("", 18)])
onnx.checker.check_model(answer_1)

# %%
onnxlearn.exercises.check("02.1", answer_1)

# %% [markdown]
# **Exercise 02.2.** How deep is the deepest tree of the Iris forest, counted in tests
# (`BRANCH_LEQ` nodes) from the root to a leaf?
#
# The attributes are parallel lists, one entry per tree node. A node's children are found by
# their id in `nodes_truenodeids` / `nodes_falsenodeids`, within the same tree; a recursive
# function follows both branches and keeps the longer one.

# %%
tree_node = next(n for n in forest_model.graph.node if n.op_type == "TreeEnsembleClassifier")
tree_attributes = {a.name: helper.get_attribute_value(a) for a in tree_node.attribute}
position = {(tree_id, node_id): i for i, (tree_id, node_id) in enumerate(
    zip(tree_attributes["nodes_treeids"], tree_attributes["nodes_nodeids"]))}


def depth(tree_id, node_id):
    i = position[tree_id, node_id]
    if tree_attributes["nodes_modes"][i] == b"LEAF":
        return 0
    return 1 + max(depth(tree_id, tree_attributes["nodes_truenodeids"][i]),
                   depth(tree_id, tree_attributes["nodes_falsenodeids"][i]))


depths = [depth(tree_id, 0) for tree_id in sorted(set(tree_attributes["nodes_treeids"]))]
answer_2 = max(depths)
clf = onnxlearn.iris_forest().load_estimator()
print("deepest tree:", answer_2, "| scikit-learn agrees:",
      depths == [tree.get_depth() for tree in clf.estimators_])

# %%
onnxlearn.exercises.check("02.2", answer_2)

# %% [markdown]
# **Exercise 02.3.** Add the metadata `{"course": "onnx", "chapter": "02"}` to a copy of
# `linreg`, save it as `models / "02_with_metadata.onnx"`, and give that path.

# %%
with_metadata = onnx.ModelProto()
with_metadata.CopyFrom(linreg)
helper.set_model_props(with_metadata, {"course": "onnx", "chapter": "02"})
answer_3 = models / "02_with_metadata.onnx"
onnx.save(with_metadata, answer_3)
print({prop.key: prop.value for prop in onnx.load(answer_3).metadata_props})

# %%
onnxlearn.exercises.check("02.3", answer_3)
