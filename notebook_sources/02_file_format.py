# %% [markdown]
# # 02 · The ONNX file format
#
# An `.onnx` file is not a black box. It is one **protobuf** message, a `ModelProto`, and every
# part of it has a name you can read, print and change from Python. In this chapter you open
# the file, build models by hand with `onnx.helper`, and take apart the Iris forest from
# chapter 01.
#
# **You will learn**
# - to name every part of a model: the `ModelProto` header, the graph's inputs, outputs,
#   initializers and nodes, and each node's operator, domain and attributes;
# - to build a valid model by hand, check it with `onnx.checker`, and read the error of an
#   invalid one;
# - to run shape inference, save a model as bytes or as text, and run it with onnxruntime and
#   with onnx's reference evaluator;
# - to edit metadata, convert between opsets, and store large weights as external data;
# - what the `TreeEnsembleClassifier` and `ZipMap` nodes of a converted random forest encode.
#
# **Prerequisites:** chapter 01 (what ONNX is for), Python and numpy.
# **Time:** about 45 minutes.

# %%
import onnxlearn

onnxlearn.setup_notebook()

# %% [markdown]
# ## 1. The layers of a model
#
# ONNX defines its file format in a protobuf schema (`onnx.proto`). Four message types do
# most of the work, nested like this:
#
# | message | holds | you build it with |
# |---|---|---|
# | `ModelProto` | the **header**: IR version, opsets, producer, metadata; and one graph | `helper.make_model` |
# | `GraphProto` | **inputs**, **outputs**, **initializers** (the weights), `value_info`, and the **nodes** | `helper.make_graph` |
# | `NodeProto` | one operator call: `op_type`, `domain`, input and output names, **attributes** | `helper.make_node` |
# | `TensorProto` | a tensor: element type, dimensions and data (an initializer, or a constant attribute) | `numpy_helper.from_array` |
#
# Values flow between nodes **by name**: a node's output `"XA"` is the input `"XA"` of any node
# that reads it. Inputs and outputs are described by `ValueInfoProto`s: a name and a type
# (element type plus shape, where a dimension is a number or a symbolic name such as `"N"`).
#
# ## 2. Build a linear regression by hand
#
# Let us build $Y = X \cdot A + B$ for $X$ with 3 features and $Y$ with 2 outputs, with fixed
# weights $A$ (3×2) and $B$ (2). First the pieces: the graph's input and output, the two
# weights as initializers, and two nodes.

# %%
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

A = np.array([[1.0, -1.0], [2.0, 0.5], [0.0, 3.0]], dtype=np.float32)
B = np.array([0.5, -2.0], dtype=np.float32)

X_info = helper.make_tensor_value_info("X", TensorProto.FLOAT, ["N", 3])  # N: any batch size
Y_info = helper.make_tensor_value_info("Y", TensorProto.FLOAT, ["N", 2])
weights = [numpy_helper.from_array(A, name="A"), numpy_helper.from_array(B, name="B")]
nodes = [
    helper.make_node("MatMul", ["X", "A"], ["XA"], name="matmul"),
    helper.make_node("Add", ["XA", "B"], ["Y"], name="add"),
]
graph = helper.make_graph(nodes, "linear_regression", [X_info], [Y_info], initializer=weights)
linreg = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)],
                           producer_name="onnx-course", producer_version="1.0")
print(type(linreg).__name__, "with", len(linreg.graph.node), "nodes")

# %% [markdown]
# ### The model's header
#
# `make_model` wrapped the graph in a `ModelProto` and filled its header:
#
# - `ir_version`: the version of the file format itself (the protobuf schema);
# - `opset_import`: for each operator **domain** the graph uses, the **opset** version it was
#   written for. `""` (also spelled `ai.onnx`) is the standard domain; `ai.onnx.ml` holds the
#   classic machine-learning operators;
# - `producer_name`, `producer_version`: which tool wrote the file;
# - `domain`, `model_version`, `doc_string`, `metadata_props`: free fields for the model's
#   author (section 5).

# %%
print("ir_version      :", linreg.ir_version)
print("opset_import    :", [(opset.domain, opset.version) for opset in linreg.opset_import])
print("producer        :", linreg.producer_name, linreg.producer_version)
print("domain          :", repr(linreg.domain))
print("model_version   :", linreg.model_version)
print("doc_string      :", repr(linreg.doc_string))
print("metadata_props  :", list(linreg.metadata_props))

# %% [markdown]
# ### The graph
#
# The graph has a name, declared inputs and outputs, initializers, and its nodes **in
# topological order**: a node comes after the nodes that produce its inputs.

# %%
g = linreg.graph
print("name        :", g.name)
print("inputs      :", [i.name for i in g.input])
print("outputs     :", [o.name for o in g.output])
print("initializers:", {t.name: list(t.dims) for t in g.initializer})
print("value_info  :", list(g.value_info))
for node in g.node:
    print(f"node {node.name!r}: {node.op_type}{tuple(node.input)} -> {tuple(node.output)}")

# %% [markdown]
# Printed as it is, any part of a model shows its protobuf fields. Here is the input `X`: a
# tensor of element type 1 (`FLOAT`) whose first dimension is the symbolic `N` and the second
# is 3.

# %%
print(g.input[0])

# %% [markdown]
# `onnxlearn.summarize` reads all of that for any model and reports it in a few lines (the
# `onnxlearn inspect model.onnx` command prints the same thing in a terminal):

# %%
onnxlearn.summarize(linreg)

# %% [markdown]
# ### Check it with `onnx.checker`
#
# `helper` builds whatever you ask for, even a model that makes no sense. `onnx.checker`
# verifies the rules: known operators in the imported opsets, valid attributes, every input
# defined before it is used, names unique... It returns `None` when all is well:

# %%
from onnx import checker

print(checker.check_model(linreg))

# %% [markdown]
# Now two broken copies. In the first, the nodes are listed in the wrong order; in the second,
# `MatMul` has a typo.

# %%
def copy_of(model):
    duplicate = onnx.ModelProto()
    duplicate.CopyFrom(model)
    return duplicate


swapped = copy_of(linreg)
swapped.graph.ClearField("node")
swapped.graph.node.extend([linreg.graph.node[1], linreg.graph.node[0]])

typo = copy_of(linreg)
typo.graph.node[0].op_type = "MatMull"

for broken in (swapped, typo):
    try:
        checker.check_model(broken)
    except checker.ValidationError as error:
        print("ValidationError:", error, "\n")

# %% [markdown]
# How to read them:
#
# - *"Nodes in a graph must be topologically sorted, however input 'XA' of node: name: add
#   OpType: Add is not output of any previous nodes"*: node `add` reads `XA`, and no node
#   **before** it produced `XA`. Either the order is wrong or a name is misspelt.
# - *"No Op registered for MatMull with domain_version of 18"*: no operator `MatMull` exists in
#   opset 18 of the standard domain. The `==> Context` line names the faulty node.
#
# The checker's messages usually name one node and one value: look for those in the graph.
#
# ### Shape inference fills `value_info`
#
# The graph declares the types of its inputs and outputs only. The intermediate `XA` has no
# declared type: `value_info` is empty. **Shape inference** propagates types and shapes
# through every operator and records what it found:

# %%
from onnx import shape_inference

inferred = shape_inference.infer_shapes(linreg)
print("value_info before:", len(linreg.graph.value_info))
print("value_info after :", len(inferred.graph.value_info))
print(inferred.graph.value_info[0])

# %% [markdown]
# `XA` is a float tensor of shape `[N, 2]`: shape inference knows that `MatMul` of `[N, 3]` by
# `[3, 2]` gives `[N, 2]`, and keeps the symbolic `N`. Runtimes and tools such as Netron use
# this information; it is also a good way to catch shape mistakes early.
#
# ### Bytes and text
#
# On disk, a model is its protobuf serialization: compact bytes, not meant for human eyes.
# `onnx.save` writes them; `onnx.load` reads them back.

# %%
models = onnxlearn.models_dir()
linreg_path = models / "02_linear_regression.onnx"
onnx.save(linreg, linreg_path)

blob = linreg.SerializeToString()
print(f"{linreg_path.name}: {linreg_path.stat().st_size} bytes; SerializeToString: {len(blob)} bytes")
print("first bytes:", blob[:24])
print("loads back equal:", onnx.load(linreg_path) == linreg)

# %% [markdown]
# ONNX also has a **textual format**, handy for reading, reviewing and writing small models.
# `onnx.printer` writes it, `onnx.parser` reads it:

# %%
from onnx import parser, printer

text = printer.to_text(linreg)
print(text)

# %%
parsed = parser.parse_model(text)
checker.check_model(parsed)
print("parsed model prints the same text:", printer.to_text(parsed) == text)

# %% [markdown]
# ### Run it: onnxruntime and the reference evaluator
#
# **onnxruntime** is the production runtime, written in C++. **`onnx.reference.ReferenceEvaluator`**
# is a Python (numpy) implementation of the standard operators, written to follow the
# specification to the letter rather than to be fast: the tool to settle "what *should* this
# model compute?". Both must agree with numpy.

# %%
import onnxruntime as ort
from onnx.reference import ReferenceEvaluator

X = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0], [-1.0, 0.5, 2.0]], dtype=np.float32)

session = ort.InferenceSession(linreg_path, providers=["CPUExecutionProvider"])
y_ort = session.run(None, {"X": X})[0]
y_ref = ReferenceEvaluator(linreg).run(None, {"X": X})[0]
y_numpy = X @ A + B

print(y_ort)
print("onnxruntime == numpy:", np.allclose(y_ort, y_numpy),
      "| reference == numpy:", np.allclose(y_ref, y_numpy))

# %% [markdown]
# How much speed does the reference evaluator give up? Time both on the same 1,000 rows
# (the numbers depend on your machine; this cell's output is not part of the course's checks):

# %% tags=["nbval-ignore-output"]
X_1000 = np.random.default_rng(0).standard_normal((1000, 3)).astype(np.float32)
reference = ReferenceEvaluator(linreg)
runtimes = onnxlearn.compare({
    "ReferenceEvaluator": lambda: reference.run(None, {"X": X_1000}),
    "onnxruntime": lambda: session.run(None, {"X": X_1000}),
}, rounds=7, round_time=0.02)
print(runtimes)
print(f"\nonnxruntime is {runtimes.speedup('ReferenceEvaluator', 'onnxruntime'):.1f}× faster here")

# %% [markdown]
# Read your own numbers above: the ratio varies between machines, but the lesson does not.
# Use the reference evaluator to check what a model means, and onnxruntime to serve it.
#
# And here is the graph, drawn by Netron (or as a static picture where Netron cannot run).
# Initializers `A` and `B` appear as the weights of their nodes.

# %%
onnxlearn.show(linreg)

# %% [markdown]
# ## 3. A two-layer MLP, with real weights
#
# A neural network is the same recipe with more nodes. We train scikit-learn's
# `MLPClassifier` on Iris (8 hidden units, ReLU), then **copy its weights** into a graph built
# by hand:
#
# $$\text{hidden} = \mathrm{ReLU}(X W_1 + b_1), \qquad
#   \text{probabilities} = \mathrm{softmax}(\text{hidden}\, W_2 + b_2)$$
#
# plus an `ArgMax` for the predicted label. No converter involved.

# %%
from sklearn.neural_network import MLPClassifier

iris = onnxlearn.load_iris_split()
mlp = MLPClassifier(hidden_layer_sizes=(8,), max_iter=2000, random_state=0)
mlp.fit(iris.X_train, iris.y_train)
(W1, W2), (b1, b2) = mlp.coefs_, mlp.intercepts_
print("weights:", W1.shape, b1.shape, W2.shape, b2.shape,
      f"| test accuracy {mlp.score(iris.X_test, iris.y_test):.3f}")

# %%
mlp_weights = [numpy_helper.from_array(array.astype(np.float32), name)
               for name, array in (("W1", W1), ("b1", b1), ("W2", W2), ("b2", b2))]
mlp_nodes = [
    helper.make_node("MatMul", ["X", "W1"], ["XW1"]),
    helper.make_node("Add", ["XW1", "b1"], ["pre_hidden"]),
    helper.make_node("Relu", ["pre_hidden"], ["hidden"]),
    helper.make_node("MatMul", ["hidden", "W2"], ["HW2"]),
    helper.make_node("Add", ["HW2", "b2"], ["logits"]),
    helper.make_node("Softmax", ["logits"], ["probabilities"], axis=1),
    helper.make_node("ArgMax", ["probabilities"], ["label"], axis=1, keepdims=0),
]
mlp_graph = helper.make_graph(
    mlp_nodes, "iris_mlp",
    [helper.make_tensor_value_info("X", TensorProto.FLOAT, ["N", 4])],
    [helper.make_tensor_value_info("label", TensorProto.INT64, ["N"]),
     helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["N", 3])],
    initializer=mlp_weights)
mlp_model = helper.make_model(mlp_graph, opset_imports=[helper.make_opsetid("", 18)],
                              producer_name="onnx-course")
checker.check_model(mlp_model)
onnxlearn.summarize(mlp_model)

# %% [markdown]
# 4×8 + 8 + 8×3 + 3 = 67 parameters, all float32: 268 bytes of weights. Does our hand-built
# network predict what scikit-learn predicts, on the whole test set?

# %%
X_test = iris.X_test.astype(np.float32)
mlp_session = ort.InferenceSession(mlp_model.SerializeToString(),
                                   providers=["CPUExecutionProvider"])
labels, probabilities = mlp_session.run(None, {"X": X_test})
print("same labels as scikit-learn       :", bool(np.all(labels == mlp.predict(iris.X_test))))
print("largest probability difference    :",
      f"{np.abs(probabilities - mlp.predict_proba(iris.X_test)).max():.1e}")

# %%
onnxlearn.show(mlp_model)

# %% [markdown]
# ### Nodes and their attributes
#
# `Softmax` and `ArgMax` above carry **attributes**: fixed parameters of the operator, set
# when the model is built (`axis=1`), unlike inputs, which flow at run time. An attribute has
# a kind: a float, an int, a string, a tensor, a graph, or a list of those. The next graph uses
# one of each common kind, including a **subgraph**: `If` runs its `then_branch` or its
# `else_branch` graph depending on a boolean input. Subgraphs may read values of the outer
# graph by name (`xt` below).

# %%
from onnx import AttributeProto

FLOAT = TensorProto.FLOAT
then_branch = helper.make_graph(
    [helper.make_node("Relu", ["xt"], ["relu_out"])], "then_relu", [],
    [helper.make_tensor_value_info("relu_out", FLOAT, [3, 2])])
else_branch = helper.make_graph(
    [helper.make_node("LeakyRelu", ["xt"], ["leaky_out"], alpha=0.1)], "else_leaky", [],
    [helper.make_tensor_value_info("leaky_out", FLOAT, [3, 2])])
tour_nodes = [
    helper.make_node("Constant", [], ["two"],
                     value=numpy_helper.from_array(np.array(2.0, np.float32))),
    helper.make_node("Mul", ["x", "two"], ["doubled"]),
    helper.make_node("Transpose", ["doubled"], ["xt"], perm=[1, 0]),
    helper.make_node("If", ["flag"], ["branch"], then_branch=then_branch,
                     else_branch=else_branch),
    helper.make_node("ReduceMax", ["branch"], ["peak"], keepdims=0),
    helper.make_node("Einsum", ["x"], ["total"], equation="ij->"),
]
tour = helper.make_model(helper.make_graph(
    tour_nodes, "attribute_tour",
    [helper.make_tensor_value_info("x", FLOAT, [2, 3]),
     helper.make_tensor_value_info("flag", TensorProto.BOOL, [])],
    [helper.make_tensor_value_info("branch", FLOAT, [3, 2]),
     helper.make_tensor_value_info("peak", FLOAT, []),
     helper.make_tensor_value_info("total", FLOAT, [])]),
    opset_imports=[helper.make_opsetid("", 18)])
checker.check_model(tour)

for node in tour.graph.node:
    for attribute in node.attribute:
        kind = AttributeProto.AttributeType.Name(attribute.type)
        value = helper.get_attribute_value(attribute)
        if kind == "TENSOR":
            value = f"tensor {numpy_helper.to_array(value)!r}"
        elif kind == "GRAPH":
            value = f"graph {value.name!r} with nodes {[n.op_type for n in value.node]}"
        print(f"{node.op_type:<10} {attribute.name:<12} {kind:<7} {value}")

# %% [markdown]
# The textual format shows the attributes between `< >`, and the two branch graphs inline:

# %%
print(printer.to_text(tour.graph))

# %%
tour_session = ort.InferenceSession(tour.SerializeToString(), providers=["CPUExecutionProvider"])
x = np.array([[1.0, -2.0, 3.0], [-1.0, 0.5, 0.0]], dtype=np.float32)
for flag in (True, False):
    branch, peak, total = tour_session.run(None, {"x": x, "flag": np.array(flag)})
    print(f"flag={flag}: branch column 0 = {branch[:, 0]}, peak = {peak:.1f}, total = {total:.1f}")

# %% [markdown]
# With `flag=True` the `Relu` branch zeroes the negative values; with `flag=False` the
# `LeakyRelu` branch scales them by `alpha=0.1`. `summarize` counts the nodes inside
# subgraphs too:

# %%
tour_summary = onnxlearn.summarize(tour)
print(tour_summary.node_counts)
print(tour_summary.op_types)

# %% [markdown]
# ## 4. Metadata: edit, save, read back
#
# The header has free fields for the model's author: `doc_string`, `domain`, `model_version`,
# and `metadata_props`, a list of string key-value pairs. Tools show them; onnxruntime reads
# them through `session.get_modelmeta()`.

# %%
documented = copy_of(mlp_model)
documented.doc_string = "Iris MLP (8 ReLU units), weights copied from scikit-learn."
documented.domain = "org.onnx-course"
documented.model_version = 2
helper.set_model_props(documented, {"dataset": "iris", "classes": ",".join(iris.target_names),
                                    "license": "CC-BY-4.0"})
mlp_path = models / "02_mlp_iris.onnx"
onnx.save(documented, mlp_path)

reloaded = onnx.load(mlp_path)
print("doc_string    :", reloaded.doc_string)
print("model_version :", reloaded.model_version)
print("metadata_props:", {prop.key: prop.value for prop in reloaded.metadata_props})

meta = ort.InferenceSession(mlp_path, providers=["CPUExecutionProvider"]).get_modelmeta()
print("onnxruntime   :", meta.domain, meta.version, dict(sorted(meta.custom_metadata_map.items())))

# %% [markdown]
# ## 5. Opsets: versions of the operators
#
# Operators evolve. When the specification changes an operator's inputs, attributes or
# behaviour, it gets a new version, and an **opset** is a snapshot: "opset 18" means "each
# operator as it was defined in opset 18". A model declares the opset it was written for, and
# a runtime that supports that opset runs it exactly as specified. Here is when some
# operators last changed:

# %%
from onnx import defs

print("newest opset known to this onnx:", defs.onnx_opset_version())
for op in ("Add", "MatMul", "Relu", "Softmax", "ReduceMean"):
    versions = sorted({schema.since_version for schema in defs.get_all_schemas_with_history()
                       if schema.name == op and schema.domain == ""})
    print(f"{op:<10} versions {versions}")

# %% [markdown]
# `ReduceMean` changed in opset 18: the `axes` to reduce over moved from an **attribute** to
# an **input**. `onnx.version_converter` rewrites a model for another opset; let us convert a
# small `ReduceMean` model from opset 18 down to 17 and compare the text before and after.

# %%
import difflib

from onnx import version_converter

axes = numpy_helper.from_array(np.array([1], dtype=np.int64), "axes")
mean18 = helper.make_model(helper.make_graph(
    [helper.make_node("ReduceMean", ["X", "axes"], ["Y"], keepdims=1)], "row_mean",
    [helper.make_tensor_value_info("X", FLOAT, ["N", 4])],
    [helper.make_tensor_value_info("Y", FLOAT, ["N", 1])], [axes]),
    opset_imports=[helper.make_opsetid("", 18)])
mean17 = version_converter.convert_version(mean18, 17)
checker.check_model(mean17)

before, after = printer.to_text(mean18).splitlines(), printer.to_text(mean17).splitlines()
print("\n".join(difflib.unified_diff(before, after, "opset 18", "opset 17", lineterm="", n=0)))

# %%
X4 = iris.X_test[:5].astype(np.float32)
same = np.allclose(ReferenceEvaluator(mean18).run(None, {"X": X4})[0],
                   ReferenceEvaluator(mean17).run(None, {"X": X4})[0])
print("opset 18 and opset 17 versions compute the same:", same)

# %% [markdown]
# The opset import changed, `axes` moved from an initializer into the node's attributes, and
# the results are identical. The converter cannot go everywhere, though: below opset 13
# `ReduceMean` had another definition, and no adapter exists for that step. It says so
# plainly:

# %%
try:
    version_converter.convert_version(mean18, 12)
except RuntimeError as error:
    print("RuntimeError:", str(error).split(": ", 1)[-1].split("Assertion `false` failed: ")[-1])

# %% [markdown]
# In practice you rarely convert by hand: converters take a `target_opset` (chapter 01 passed
# `{"": 18, "ai.onnx.ml": 3}` to skl2onnx), and you pick the newest opset your target runtime
# supports.
#
# ## 6. External data and the 2 GB limit
#
# Protobuf cannot serialize a message larger than **2 GB** (its sizes are signed 32-bit
# integers). Large language and vision models are far bigger, so ONNX can store tensors
# **outside** the `.onnx` file: the model keeps, for each such tensor, the file name, offset
# and length of its bytes. Here is a model with a 1,000×1,000 float32 weight (4 MB), saved both
# ways:

# %%
big_weight = numpy_helper.from_array(
    np.random.default_rng(0).standard_normal((1000, 1000)).astype(np.float32), "W")
big = helper.make_model(helper.make_graph(
    [helper.make_node("MatMul", ["X", "W"], ["Y"])], "big_layer",
    [helper.make_tensor_value_info("X", FLOAT, ["N", 1000])],
    [helper.make_tensor_value_info("Y", FLOAT, ["N", 1000])], [big_weight]),
    opset_imports=[helper.make_opsetid("", 18)])

inline_dir, external_dir = models / "02_inline", models / "02_external"
for folder in (inline_dir, external_dir):
    folder.mkdir(exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
onnx.save_model(big, inline_dir / "big.onnx")
onnx.save_model(big, external_dir / "big.onnx", save_as_external_data=True,
                all_tensors_to_one_file=True, location="big.onnx.data", size_threshold=1024)

for folder in (inline_dir, external_dir):
    for path in sorted(folder.iterdir()):
        print(f"{folder.name}/{path.name:<14} {path.stat().st_size:>10,} bytes")

# %% [markdown]
# The external `.onnx` file keeps only the graph, and shrinks to a few hundred bytes or less
# (compare the sizes above); the weight sits in `big.onnx.data`. Inside
# the model, the tensor now has no data, only a pointer to it:

# %%
pointer = onnx.load(external_dir / "big.onnx", load_external_data=False).graph.initializer[0]
print("data_location:", TensorProto.DataLocation.Name(pointer.data_location))
print({entry.key: entry.value for entry in pointer.external_data})

# %% [markdown]
# `onnx.load` reads the external file back automatically (from the model's folder), and
# onnxruntime does the same when given the path. Keep the files together when you copy a model.

# %%
loaded_big = onnx.load(external_dir / "big.onnx")
same_weight = np.array_equal(numpy_helper.to_array(loaded_big.graph.initializer[0]),
                             numpy_helper.to_array(big_weight))
big_session = ort.InferenceSession(external_dir / "big.onnx", providers=["CPUExecutionProvider"])
out = big_session.run(None, {"X": np.ones((2, 1000), np.float32)})[0]
print("weight read back identical:", same_weight, "| output shape:", out.shape)

# %% [markdown]
# `summarize` lists the external files, but does not read them (so it stays fast on a
# 10 GB model):

# %%
onnxlearn.summarize(external_dir / "big.onnx")

# %% [markdown]
# Where does the 2 GB limit bite? `onnx.checker` knows the limit; compare it with the weights
# of a few model sizes in float16 (2 bytes per parameter):

# %%
limit = checker.MAXIMUM_PROTOBUF
print(f"protobuf limit: {limit:,} bytes")
for name, parameters in (("ResNet-50", 25.6e6), ("BERT-large", 340e6), ("7B LLM", 7e9)):
    size = parameters * 2
    verdict = "fits in one .onnx file" if size < limit else "needs external data"
    print(f"{name:<11} {size / 1e9:6.2f} GB in float16: {verdict}")

# %% [markdown]
# ## 7. Dissecting chapter 01's Iris forest
#
# Now the model from chapter 01: a 100-tree random forest converted by skl2onnx. The course's
# copy comes from `onnxlearn.iris_forest()`.

# %%
forest = onnxlearn.iris_forest()
forest_model = onnx.load(forest.onnx_path)
onnxlearn.summarize(forest.onnx_path)

# %% [markdown]
# Three nodes, two of them in the `ai.onnx.ml` domain, and no initializers: the whole forest
# lives in the **attributes** of one `TreeEnsembleClassifier` node. Note the opsets: the
# conversion allowed up to opset 18 (and 3 for `ai.onnx.ml`), and skl2onnx declared the
# smallest opsets that are enough for the nodes it wrote, so that older runtimes can load the
# file too.

# %%
onnxlearn.show(forest.onnx_path)

# %%
tree_node = forest_model.graph.node[0]
tree_attributes = {a.name: helper.get_attribute_value(a) for a in tree_node.attribute}
print(tree_node.op_type, "in domain", tree_node.domain)
for name, value in tree_attributes.items():
    shown = value[:4] if isinstance(value, list) else value
    length = f"{len(value):>5} values" if isinstance(value, list) else " " * 11
    print(f"{name:<32} {length}  {shown}")

# %% [markdown]
# The forest is flattened into parallel lists, one entry per tree node:
#
# | attribute | one entry per | meaning |
# |---|---|---|
# | `nodes_treeids`, `nodes_nodeids` | tree node | which tree, and the node's id inside it |
# | `nodes_modes` | tree node | `BRANCH_LEQ` (a test "feature ≤ threshold") or `LEAF` |
# | `nodes_featureids`, `nodes_values` | tree node | the feature tested and the threshold |
# | `nodes_truenodeids`, `nodes_falsenodeids` | tree node | where to go when the test is true / false |
# | `class_treeids`, `class_nodeids`, `class_ids`, `class_weights` | leaf *and* class | the weight a leaf adds to a class |
# | `classlabels_int64s` | class | the labels the model outputs |
# | `post_transform` | | what to apply to the summed weights (`NONE` here) |
#
# Each leaf's weights are its class proportions divided by the number of trees, so summing
# over all trees gives the forest's average, exactly `predict_proba`. Let us check that the
# numbers match the scikit-learn forest:

# %%
clf = forest.load_estimator()
modes = np.array(tree_attributes["nodes_modes"])
print("trees         :", len(set(tree_attributes["nodes_treeids"])), "| scikit-learn:",
      len(clf.estimators_))
print("tree nodes    :", len(modes), "| scikit-learn:",
      sum(tree.tree_.node_count for tree in clf.estimators_))
leaf_totals = {}
for t, n, w in zip(tree_attributes["class_treeids"], tree_attributes["class_nodeids"],
                   tree_attributes["class_weights"]):
    leaf_totals[t, n] = leaf_totals.get((t, n), 0.0) + w
print("leaves        :", len(leaf_totals), "| scikit-learn:",
      sum(tree.tree_.n_leaves for tree in clf.estimators_))
print("each leaf's weights sum to", sorted({round(total, 4) for total in leaf_totals.values()}),
      "= 1 / 100 trees")

# %% [markdown]
# To be sure we read it right, let us walk the first tree by hand for one flower, following
# `nodes_truenodeids` / `nodes_falsenodeids` until a leaf, and compare with scikit-learn's
# first tree:

# %%
def walk_tree(attributes, tree_id, row):
    """Follow one tree of a TreeEnsembleClassifier from its root to a leaf; return class weights."""
    in_tree = [i for i, t in enumerate(attributes["nodes_treeids"]) if t == tree_id]
    by_node_id = {attributes["nodes_nodeids"][i]: i for i in in_tree}
    i = by_node_id[0]
    while attributes["nodes_modes"][i] == b"BRANCH_LEQ":
        feature, threshold = attributes["nodes_featureids"][i], attributes["nodes_values"][i]
        go_true = row[feature] <= threshold
        next_id = attributes["nodes_truenodeids" if go_true else "nodes_falsenodeids"][i]
        i = by_node_id[next_id]
    leaf = attributes["nodes_nodeids"][i]
    weights = np.zeros(len(attributes["classlabels_int64s"]))
    for t, n, c, w in zip(attributes["class_treeids"], attributes["class_nodeids"],
                          attributes["class_ids"], attributes["class_weights"]):
        if t == tree_id and n == leaf:
            weights[c] += w
    return weights


row = iris.X_test[0].astype(np.float32)
by_hand = walk_tree(tree_attributes, 0, row) * len(clf.estimators_)
print("tree 0, walked by hand:", by_hand.round(3))
print("tree 0, scikit-learn  :",
      clf.estimators_[0].predict_proba(row[None, :].astype(np.float64))[0].round(3))

# %% [markdown]
# The same. Summing the weights of the leaves reached in all 100 trees gives the forest's
# probabilities; compare with what onnxruntime computes from the same attributes:

# %%
forest_session = ort.InferenceSession(forest.onnx_path, providers=["CPUExecutionProvider"])
all_trees = sum(walk_tree(tree_attributes, tree_id, row)
                for tree_id in sorted(set(tree_attributes["nodes_treeids"])))
from_onnxruntime = forest_session.run(["output_probability"], {"float_input": row[None, :]})[0][0]
print("100 trees walked by hand:", all_trees.round(3))
print("onnxruntime             :", np.array(list(from_onnxruntime.values())).round(3))

# %% [markdown]
# Which features does the forest test most often? A look at `nodes_featureids`:

# %%
import matplotlib.pyplot as plt

branches = modes == b"BRANCH_LEQ"
features = np.array(tree_attributes["nodes_featureids"])[branches]
counts = np.bincount(features, minlength=4)
fig, ax = plt.subplots(figsize=(6, 2.6))
ax.barh(iris.feature_names, counts)
ax.set_xlabel("number of BRANCH_LEQ tests in the 100 trees")
ax.set_title("What the forest looks at")
plt.show()
print(dict(zip(iris.feature_names, counts.tolist())))

# %% [markdown]
# ### The `Cast` and `ZipMap` nodes
#
# `TreeEnsembleClassifier` has two outputs: the label and a float tensor of probabilities,
# one column per class. A `Cast` (attribute `to` = 7, `INT64`) fixes the label's type.
# **`ZipMap`** then turns the probability tensor into what scikit-learn users expect from a
# classifier: a **sequence of maps**, one `{class label: probability}` dict per row, built from
# its `classlabels_int64s` attribute.

# %%
for node in forest_model.graph.node[1:]:
    attributes = {a.name: helper.get_attribute_value(a) for a in node.attribute}
    print(f"{node.op_type:<7} domain={node.domain or 'ai.onnx':<11} {list(node.input)} -> "
          f"{list(node.output)} {attributes}")

label, zipped = forest_session.run(None, {"float_input": iris.X_test[:2].astype(np.float32)})
print("output_label      :", label)
print("output_probability:", [{k: round(v, 2) for k, v in row.items()} for row in zipped])
print("type              :", [o.type for o in forest_session.get_outputs()])

# %% [markdown]
# Dicts are convenient in Python but cost time to build (chapter 03 measures how much) and are
# awkward in other languages; skl2onnx can leave `ZipMap` out (option `zipmap=False`) so that
# the output stays a plain tensor. Chapter 03 covers sequences and maps, and chapter 04 the
# converter options.
#
# ## Recap
#
# - An `.onnx` file is one protobuf `ModelProto`: a **header** (IR version, opset imports,
#   producer, domain, model_version, doc_string, metadata_props) around one **graph**.
# - A graph has **inputs, outputs, initializers, value_info and nodes** in topological order;
#   values flow between nodes by name. A node is an `op_type` in a **domain** with inputs,
#   outputs and **attributes**, which can even be whole subgraphs (`If`, `Loop`, `Scan`).
# - `onnx.helper` builds models by hand; `onnx.checker` enforces the rules and names the faulty
#   node; `shape_inference` fills in `value_info`; `onnx.printer`/`onnx.parser` give a readable
#   text format; onnxruntime and `ReferenceEvaluator` run the same file and agree.
# - **Opsets** version the operators; `version_converter` rewrites a model between them when
#   an adapter exists. **External data** keeps large weights next to the model, which is
#   mandatory above protobuf's 2 GB limit.
# - A converted random forest is a single `TreeEnsembleClassifier` node whose attributes
#   flatten every tree; `ZipMap` turns probabilities into one dict per row.
# - `onnxlearn.summarize(model)` (or `onnxlearn inspect model.onnx`) shows all of this for any
#   model at a glance.
#
# ## Exercises
#
# Each exercise sets an `answer_…` variable; the cell after it checks your answer and gives a
# hint. Solutions: `solutions/02_file_format.ipynb`.
#
# **Exercise 02.1.** Build by hand a model that computes $Y = 2X + 1$ for a float input `X`
# of shape `["N", 3]`, and assign the `ModelProto` to `answer_1`.

# %%
answer_1 = None  # your code here

# %%
onnxlearn.exercises.check("02.1", answer_1)

# %% [markdown]
# **Exercise 02.2.** How **deep** is the deepest tree of the Iris forest? The depth of a tree is
# the number of tests (`BRANCH_LEQ` nodes) on its longest path from the root to a leaf: a tree
# that is a single leaf has depth 0. Work it out from `tree_attributes`, the attributes of the
# `TreeEnsembleClassifier` node, and assign an int to `answer_2`.

# %%
answer_2 = None  # your code here

# %%
onnxlearn.exercises.check("02.2", answer_2)

# %% [markdown]
# **Exercise 02.3.** Add the metadata `{"course": "onnx", "chapter": "02"}` to a copy of
# `linreg`, save it as `models / "02_with_metadata.onnx"`, and assign that path to `answer_3`.

# %%
answer_3 = None  # your code here

# %%
onnxlearn.exercises.check("02.3", answer_3)
