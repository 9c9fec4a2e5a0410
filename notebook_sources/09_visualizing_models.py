# %% [markdown]
# # 09 · Visualizing models
#
# An ONNX file is a graph: tensors flow from the inputs, through operator nodes, to the outputs.
# Reading that graph answers practical questions fast. What does the model expect? What did the
# converter or the quantizer actually produce? Where are the weights, and how big are they?
# **Netron** is the standard viewer for ONNX graphs, and the course opens it right inside a
# notebook cell.
#
# **You will learn**
# - to open any model in Netron from a cell with `onnxlearn.show`, and to read its nodes,
#   attributes, initializer weights and tensor shapes;
# - to compare two models side by side, here a model before and after quantization;
# - to read the structure of a real deep network: repeated blocks, skip connections, parameters;
# - to draw a static picture with `onnxlearn.draw`, and to know when to use which.
#
# **Prerequisites:** chapter 01 (a model converted to ONNX and run with onnxruntime); chapter 02
# helps (ModelProto, GraphProto, NodeProto).
# **Time:** about 25 minutes.

# %%
import onnxlearn

onnxlearn.setup_notebook()

# %% [markdown]
# ## 1. A model to look at
#
# We train a small neural network on the 8×8 digit images (64 pixels in, 10 classes out) and
# convert it with skl2onnx, as in chapter 04. `zipmap=False` keeps the probabilities as a plain
# tensor.

# %%
import numpy as np
from skl2onnx import to_onnx
from sklearn.neural_network import MLPClassifier

from onnxlearn.zoo import TARGET_ML_OPSET, TARGET_OPSET

digits = onnxlearn.load_digits_split()
mlp = MLPClassifier(hidden_layer_sizes=(32,), learning_rate_init=0.01, max_iter=300,
                    random_state=0)
mlp.fit(digits.X_train, digits.y_train)
print(f"scikit-learn test accuracy: {mlp.score(digits.X_test, digits.y_test):.3f}")

mlp_onnx = to_onnx(mlp, digits.X_train[:1].astype(np.float32), options={"zipmap": False},
                   target_opset={"": TARGET_OPSET, "ai.onnx.ml": TARGET_ML_OPSET})
mlp_path = onnxlearn.models_dir() / "ch09_digits_mlp.onnx"
mlp_path.write_bytes(mlp_onnx.SerializeToString())
print(mlp_path.name)

# %% [markdown]
# ## 2. Reading a graph in Netron
#
# One call opens the model in Netron, in the output of the cell. `show` accepts a path, a
# `ModelProto` or the model's bytes. It starts a small Netron server for this model on
# `127.0.0.1` (your machine only) and embeds its page.
#
# > Where Netron cannot run (when the notebook is tested automatically, exported to HTML or
# > previewed on GitHub), the same call draws a static picture instead and prints one line
# > saying why. That is what you see in the stored copy of this notebook.

# %%
onnxlearn.show(mlp_path)

# %% [markdown]
# The first time, Netron asks you to accept its cookies: click **Accept** (your browser remembers
# the answer). Then, in the view:
#
# - **Nodes** are the boxes: `MatMul`, `Add`, `Relu`, `Softmax`... Each is one ONNX operator.
# - **Click a node** to open its properties on the right: its type, its **attributes** (for
#   example `axis` of `ArgMax`, or `to` of `Cast`: the element type to convert to), and its
#   inputs and outputs.
# - **Initializers** are the stored weights. Netron folds them into the node that uses them
#   (`B ⟨64×32⟩` inside the first `MatMul`); click one to see its type, its shape and its values.
# - **Edges** carry tensors, labelled with their shape where it is known (`?×64`: `?` is the
#   batch dimension, left free by the converter).
# - Click the **input** or **output** boxes to see the model's signature.
#
# Everything Netron shows comes from the ModelProto, so Python can read the same facts. Here they
# are, so that you can check what you saw:

# %%
import onnx
from onnx import numpy_helper

def shape(value):
    return [d.dim_param or d.dim_value or "?" for d in value.type.tensor_type.shape.dim]


for node in mlp_onnx.graph.node:
    attributes = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
    print(f"{node.op_type:<8} {node.name:<14} in={list(node.input)} out={list(node.output)} "
          f"{attributes if attributes else ''}")

# %%
for tensor in mlp_onnx.graph.initializer:
    values = numpy_helper.to_array(tensor)
    print(f"initializer {tensor.name:<13} {str(values.dtype):<8} shape {values.shape}")
for value in [*mlp_onnx.graph.input, *mlp_onnx.graph.output]:
    print(f"graph {'input ' if value in mlp_onnx.graph.input else 'output'}  {value.name:<13} "
          f"shape {shape(value)}")

# %% [markdown]
# ## 3. Two models side by side: before and after quantization
#
# Chapter 08 shrinks models by storing weights as 8-bit integers. What does that do to the
# *graph*? `onnxlearn.side_by_side` opens both models next to each other, each with a Netron
# server of its own, so both stay correct while they are open.

# %%
import logging

from onnxruntime.quantization import QuantType, quantize_dynamic

int8_path = onnxlearn.models_dir() / "ch09_digits_mlp_int8.onnx"
logging.getLogger().setLevel(logging.ERROR)  # quiet a pre-processing hint (see chapter 08)
quantize_dynamic(mlp_path, int8_path, weight_type=QuantType.QInt8)
onnxlearn.side_by_side(mlp_path, int8_path, titles=["float32", "dynamic int8"])

# %% [markdown]
# In the quantized graph each `MatMul` became a small chain: `DynamicQuantizeLinear` turns the
# float input into int8 at run time, `MatMulInteger` multiplies integers, and `Cast` and `Mul`
# scale the result back to float. Counting operators and bytes confirms what the picture shows:

# %%
from collections import Counter

for label, path in [("float32", mlp_path), ("int8", int8_path)]:
    model = onnx.load(path)
    ops = Counter(node.op_type for node in model.graph.node)
    print(f"{label:<8} {path.stat().st_size / 1024:6.1f} KiB  {len(model.graph.node):2d} nodes  "
          f"{dict(sorted(ops.items()))}")
print(f"int8 file is {mlp_path.stat().st_size / int8_path.stat().st_size:.1f}x smaller")

# %%
float_pred = onnxlearn.predict(mlp_path, digits.X_test)
int8_pred = onnxlearn.predict(int8_path, digits.X_test)
print(f"test accuracy: float32 {np.mean(float_pred == digits.y_test):.3f}, "
      f"int8 {np.mean(int8_pred == digits.y_test):.3f}; "
      f"the two agree on {np.mean(float_pred == int8_pred):.1%} of test images")

# %% [markdown]
# ## 4. Reading a real deep network
#
# Deep networks are built from repeated blocks. Here is a small residual network (the design of
# ResNet) for 32×32 colour images, written with `onnx.helper` as in chapter 02: a stem
# convolution, three residual blocks, each `Conv → BatchNormalization → Relu → Conv →
# BatchNormalization`, plus a **skip connection** (`Add`) that carries the block's input around
# it, then a global average pool and a final dense layer (`Gemm`). The weights are random: we
# look at structure, not accuracy.

# %%
from onnx import TensorProto, helper

rng = np.random.default_rng(0)
nodes, weights = [], []


def weight(name, *shape):
    weights.append(numpy_helper.from_array(rng.normal(0, 0.1, shape).astype(np.float32), name))
    return name


def conv_bn(x, channels_in, channels_out, name, relu=True):
    nodes.append(helper.make_node(
        "Conv", [x, weight(f"{name}.w", channels_out, channels_in, 3, 3)], [f"{name}.conv"],
        name=f"{name}_conv", pads=[1, 1, 1, 1]))
    bn = [weight(f"{name}.{p}", channels_out) for p in ("scale", "bias", "mean")]
    weights.append(numpy_helper.from_array(np.ones(channels_out, np.float32), f"{name}.var"))
    nodes.append(helper.make_node("BatchNormalization", [f"{name}.conv", *bn, f"{name}.var"],
                                  [f"{name}.bn"], name=f"{name}_bn"))
    if not relu:
        return f"{name}.bn"
    nodes.append(helper.make_node("Relu", [f"{name}.bn"], [f"{name}.out"], name=f"{name}_relu"))
    return f"{name}.out"


x = conv_bn("image", 3, 16, "stem")
for block in range(1, 4):
    inner = conv_bn(conv_bn(x, 16, 16, f"block{block}a"), 16, 16, f"block{block}b", relu=False)
    nodes.append(helper.make_node("Add", [inner, x], [f"block{block}.sum"], name=f"block{block}_skip"))
    nodes.append(helper.make_node("Relu", [f"block{block}.sum"], [f"block{block}.out"],
                                  name=f"block{block}_relu"))
    x = f"block{block}.out"
nodes += [helper.make_node("GlobalAveragePool", [x], ["pooled"], name="pool"),
          helper.make_node("Flatten", ["pooled"], ["features"], name="flatten"),
          helper.make_node("Gemm", ["features", weight("fc.w", 10, 16), weight("fc.b", 10)],
                           ["logits"], name="fc", transB=1)]
resnet = helper.make_model(
    helper.make_graph(nodes, "tiny_resnet",
                      [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["N", 3, 32, 32])],
                      [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", 10])],
                      weights),
    opset_imports=[helper.make_opsetid("", TARGET_OPSET)])
onnx.checker.check_model(resnet)
resnet_path = onnxlearn.models_dir() / "ch09_tiny_resnet.onnx"
onnx.save(resnet, resnet_path)
onnxlearn.show(resnet_path)

# %% [markdown]
# In Netron, follow the image down: after the stem, each block splits in two. One path goes
# through the two convolutions, the other jumps straight to `Add`. Skip connections like this
# one are what let ResNets train with many more layers than plain stacks of convolutions. Click a `Conv` to read its attributes (`pads`) and its
# weight's shape, `16×16×3×3`: 16 output channels, 16 input channels, 3×3 kernels.
#
# The same structure, counted:

# %%
import onnxruntime as ort

parameters = sum(int(np.prod(t.dims)) for t in resnet.graph.initializer)
print(f"{len(resnet.graph.node)} nodes, {len(resnet.graph.initializer)} initializers, "
      f"{parameters:,} parameters")
print(dict(sorted(Counter(node.op_type for node in resnet.graph.node).items())))
session = ort.InferenceSession(resnet_path, providers=["CPUExecutionProvider"])
images = rng.normal(size=(2, 3, 32, 32)).astype(np.float32)
print("output shape for 2 images:", session.run(None, {"image": images})[0].shape)

# %% [markdown]
# ## 5. The static drawing
#
# `onnxlearn.draw` draws the graph with matplotlib, with no server and no browser: inputs in
# green, operators in blue, outputs in orange, and each edge labelled with its tensor's type and
# shape. Weights are folded into their node's box (`initializers="fold"`, the default), drawn as
# grey boxes of their own (`"show"`) or hidden (`"hide"`).

# %%
onnxlearn.draw(mlp_path, initializers="show")

# %% [markdown]
# Big graphs are cut to stay readable: `max_nodes` (300 by default) keeps the first nodes and
# a note says what was left out. Subgraphs, such as the branches of an `If`, are summarised in
# their node's box, or drawn in panels of their own with `subgraphs="expand"`.

# %%
drawing = onnxlearn.draw(resnet_path, max_nodes=12)
print(drawing.notes)
drawing

# %% [markdown]
# A drawing saves to PNG or SVG, for slides, reports or a pull-request comment:

# %%
svg_path = onnxlearn.draw(resnet_path).save(onnxlearn.models_dir() / "ch09_tiny_resnet.svg")
print("saved", svg_path.name)

# %% [markdown]
# **When to use which**
#
# | | Netron (`onnxlearn.show`) | static drawing (`onnxlearn.draw`) |
# |---|---|---|
# | needs | the `netron` package and a browser showing the notebook | matplotlib and networkx only |
# | interactive | yes: click nodes, read attributes and weight values, search, zoom | no: one picture |
# | big graphs | zoom, pan and search through them | cut at `max_nodes` (300 by default), with a note |
# | works in | JupyterLab, Notebook, JupyterHub (through jupyter-server-proxy) | everywhere: HTML export, GitHub preview, CI, slides |
# | saves to | (screenshots) | PNG, SVG |
#
# `show` picks for you: Netron where it can serve, the drawing elsewhere. Force either with
# `onnxlearn.show(model, mode="netron")` or `mode="static"`, or for a whole session with the
# environment variable `ONNXLEARN_DISPLAY=netron` or `static`. Each model keeps its Netron
# server until you call `onnxlearn.stop(model)` or `onnxlearn.stop()`, or the kernel stops.
# From a terminal, `onnxlearn view model.onnx` serves a model and `onnxlearn draw model.onnx
# -o model.svg` draws it.

# %%
print("Netron servers stopped:", onnxlearn.stop())

# %% [markdown]
# ## Recap
#
# - `onnxlearn.show(model)` opens a model in Netron inside the cell; where Netron cannot run,
#   you get a static drawing and a line saying why.
# - Netron shows **nodes** (operators), their **attributes**, the **initializers** (weights)
#   folded into the nodes that use them, and the **shapes** of the tensors on the edges.
#   Everything it shows is in the ModelProto, and Python can read it too.
# - `onnxlearn.side_by_side(a, b)` compares two models. Quantization turned each `MatMul` into
#   `DynamicQuantizeLinear → MatMulInteger → Cast → Mul`, and made the file smaller (measured
#   above).
# - Deep networks read as repeated blocks. In a residual network, `Add` nodes mark the skip
#   connections.
# - `onnxlearn.draw(model)` gives a picture with no server. It saves to PNG or SVG and it cuts
#   big graphs with a note.

# %% [markdown]
# ## Exercises
#
# Each exercise sets an `answer_…` variable; the cell after it checks your answer and gives a
# hint. Solutions: `solutions/09_visualizing_models.ipynb`.
#
# **09.1** Open the course's Iris random forest, `onnxlearn.iris_forest().onnx_path`, with
# `onnxlearn.show`. Which operator turns the forest's probabilities into a list of
# dictionaries (one `{class: probability}` per row)? Set `answer_1` to its op type, a string.

# %%
answer_1 = None  # your code here

# %%
onnxlearn.exercises.check("09.1", answer_1)

# %% [markdown]
# **09.2** Compare `mlp_path` and `int8_path` again. Which operator types appear in the int8
# model but not in the float32 one? Set `answer_2` to a set of op type strings.

# %%
answer_2 = None  # your code here

# %%
onnxlearn.exercises.check("09.2", answer_2)

# %% [markdown]
# **09.3** Save a static drawing of the Iris forest as an SVG file in
# `onnxlearn.models_dir()`. Set `answer_3` to the saved file's path.

# %%
answer_3 = None  # your code here

# %%
onnxlearn.exercises.check("09.3", answer_3)
