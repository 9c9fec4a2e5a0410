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
# **Exercise 02.2.** How many leaves does the Iris forest have, over all its trees?
#
# `nodes_modes` has one entry per tree node: `BRANCH_LEQ` for a test, `LEAF` for a leaf.

# %%
tree_node = next(n for n in forest_model.graph.node if n.op_type == "TreeEnsembleClassifier")
modes = next(helper.get_attribute_value(a) for a in tree_node.attribute
             if a.name == "nodes_modes")
answer_2 = sum(mode == b"LEAF" for mode in modes)
print(answer_2, "leaves among", len(modes), "tree nodes")

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
