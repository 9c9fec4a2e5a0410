# %% [markdown]
# # 09 · Visualizing models: solutions

# %%
import onnxlearn

onnxlearn.setup_notebook()

# %% [markdown]
# The exercises use the two digit models of section 3: the float32 network and its dynamic int8
# quantization. This rebuilds them exactly as the chapter does.

# %%
import logging

import numpy as np
import onnx
from onnxruntime.quantization import QuantType, quantize_dynamic
from skl2onnx import to_onnx
from sklearn.neural_network import MLPClassifier

from onnxlearn.zoo import TARGET_ML_OPSET, TARGET_OPSET

digits = onnxlearn.load_digits_split()
mlp = MLPClassifier(hidden_layer_sizes=(32,), learning_rate_init=0.01, max_iter=300,
                    random_state=0)
mlp.fit(digits.X_train, digits.y_train)
mlp_onnx = to_onnx(mlp, digits.X_train[:1].astype(np.float32), options={"zipmap": False},
                   target_opset={"": TARGET_OPSET, "ai.onnx.ml": TARGET_ML_OPSET})
mlp_path = onnxlearn.models_dir() / "ch09_digits_mlp.onnx"
mlp_path.write_bytes(mlp_onnx.SerializeToString())
int8_path = onnxlearn.models_dir() / "ch09_digits_mlp_int8.onnx"
logging.getLogger().setLevel(logging.ERROR)  # quiet a pre-processing hint (see chapter 08)
quantize_dynamic(mlp_path, int8_path, weight_type=QuantType.QInt8)
print(mlp_path.name, int8_path.name)

# %% [markdown]
# **09.1** Which operator turns the forest's probabilities into a list of dictionaries?
#
# In Netron, the edge into the output `output_probability` comes from a `ZipMap` node. In
# Python, look for the node that produces that output:

# %%
forest = onnx.load(onnxlearn.iris_forest().onnx_path)
answer_1 = next(node.op_type for node in forest.graph.node if "output_probability" in node.output)
print(answer_1)
onnxlearn.show(forest)

# %%
onnxlearn.exercises.check("09.1", answer_1)

# %% [markdown]
# **09.2** Which operator types appear in the int8 model but not in the float32 one?

# %%
def op_types(path):
    return {node.op_type for node in onnx.load(path).graph.node}


answer_2 = op_types(int8_path) - op_types(mlp_path)
print(sorted(answer_2))
onnxlearn.side_by_side(mlp_path, int8_path, titles=["float32", "dynamic int8"])

# %%
onnxlearn.exercises.check("09.2", answer_2)

# %% [markdown]
# **09.3** Save a static drawing of the Iris forest as SVG in `onnxlearn.models_dir()`.

# %%
answer_3 = onnxlearn.draw(onnxlearn.iris_forest().onnx_path).save(
    onnxlearn.models_dir() / "ch09_iris_forest.svg")
print(answer_3.name)

# %%
onnxlearn.exercises.check("09.3", answer_3)

# %%
print("Netron servers stopped:", onnxlearn.stop())
