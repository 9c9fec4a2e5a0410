# %% [markdown]
# # 01 · Why ONNX?
#
# A model trained in scikit-learn or PyTorch is, at first, a Python object that only its own
# framework can run. **ONNX** (Open Neural Network Exchange) is a file format that describes the
# model's computation as a graph of standard operators, so that *any* runtime can execute it:
# on a server, in a browser, on a phone, on a GPU.
#
# **You will learn**
# - what ONNX is for, and the problems it solves when a model leaves the lab;
# - how to run the whole journey: train → save → convert → run with onnxruntime;
# - how to check that the converted model predicts exactly what the original did;
# - to *measure* the differences yourself: file size, latency, quantization, safety.
#
# **Prerequisites:** Python and a little scikit-learn (`fit`, `predict`).
# **Time:** about 30 minutes.

# %%
import onnxlearn

onnxlearn.setup_notebook()

# %% [markdown]
# ## 1. The problem: a model is stuck in its framework
#
# Deep-learning and machine-learning frameworks are great for *training*. For *deploying* a model
# as it comes out of its framework, they bring four problems:
#
# | problem | what it looks like |
# |---|---|
# | **slow inference** | the framework is built for big training batches; predicting one row goes through layers of Python checks |
# | **heavy models** | the saved model drags the framework along: pickles of Python objects, a full PyTorch install on the server |
# | **no quantization** | shrinking weights to 8-bit integers, which is faster and smaller, needs tooling the framework may not have |
# | **no hardware acceleration** | a GPU, an NPU or a phone's accelerator each want their own format |
#
# ONNX sits in the middle: frameworks export *to* ONNX, and runtimes and compilers read *from* it.
#
# | from | via | to |
# |---|---|---|
# | PyTorch, TensorFlow/Keras (`.h5`) | **ONNX** | TensorRT (NVIDIA GPUs), TFLite (phones), OpenVINO (Intel) |
# | scikit-learn, XGBoost, LightGBM | **ONNX** | onnxruntime on any OS and language: C++, C#, Java, JavaScript, Python |
#
# Its design principles:
# - it supports **deep neural networks and traditional ML** (trees, linear models, pipelines);
# - it is **flexible**: a graph can express almost any computation;
# - it uses a **standard list of well-defined operators** (`MatMul`, `Relu`, `TreeEnsembleClassifier`...),
#   each specified precisely and versioned in *opsets*, so every runtime computes the same thing.
#
# This chapter measures the first three problems on your machine, and shows the fourth.

# %% [markdown]
# ## 2. The reference demo: Iris → random forest → ONNX → onnxruntime
#
# First we train a random forest on the Iris flowers and save it with `joblib`, the usual
# scikit-learn way. We fix `random_state` so that your numbers match ours.
# `onnxlearn.models_dir()` is the course's `models/` folder.

# %%
import joblib
from sklearn.datasets import load_iris
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import train_test_split

models = onnxlearn.models_dir()

iris = load_iris()
X, y = iris.data, iris.target
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.3, random_state=42)
clf = RandomForestClassifier(random_state=42)
clf.fit(X_train, y_train)
joblib.dump(clf, models / "random_forest.pkl")
print(f"test accuracy: {clf.score(X_test, y_test):.3f}")

# %% [markdown]
# Now we convert the saved model with **skl2onnx**. The converter needs to know the input's
# name, element type and shape: `FloatTensorType([None, 4])` means "float32, any number of rows
# (`None`), 4 features". `target_opset` pins the operator versions the model may use.

# %%
from skl2onnx import convert_sklearn
from skl2onnx.common.data_types import FloatTensorType

cls = joblib.load(models / "random_forest.pkl")
initial_type = [("float_input", FloatTensorType([None, 4]))]
onnx_model = convert_sklearn(cls, initial_types=initial_type,
                             target_opset={"": 18, "ai.onnx.ml": 3})

with open(models / "model.onnx", "wb") as output:
    output.write(onnx_model.SerializeToString())

print("graph inputs :", [i.name for i in onnx_model.graph.input])
print("graph outputs:", [o.name for o in onnx_model.graph.output])
print("operators    :", [node.op_type for node in onnx_model.graph.node])

# %% [markdown]
# Here is the graph we just wrote, in **Netron**, the standard viewer for ONNX models (chapter 09
# shows how to read it). Click a node to see its attributes. The first time, click **Accept** on
# Netron's cookie notice. Where Netron cannot run (tests, HTML export, GitHub), a static drawing
# appears instead.

# %%
onnxlearn.show(models / "model.onnx")

# %% [markdown]
# The ONNX file no longer needs scikit-learn. **onnxruntime** loads it and predicts. Note the
# `astype(np.float32)`: the graph declares float32, and onnxruntime does not convert for you.

# %%
import numpy as np
import onnxruntime as rt

data = np.array([[4.5, 4.9, 5.1, 5.4], [4.7, 4.1, 5.1, 5.1], [1.1, 1.1, 1.3, 5.9]])
session = rt.InferenceSession(models / "model.onnx", providers=["CPUExecutionProvider"])

ip = session.get_inputs()[0].name
op = session.get_outputs()[0].name

preds = session.run([op], {ip: data.astype(np.float32)})[0]
preds

# %% [markdown]
# The three rows are classified as these species:

# %%
print(iris.target_names[preds])
print("scikit-learn says:", iris.target_names[clf.predict(data)])

# %% [markdown]
# ## 3. Does ONNX predict what scikit-learn predicted?
#
# Three rows are not proof. `onnxlearn.verify` runs both models on the whole test set and
# compares the labels and the class probabilities. The trees compute in float32 in ONNX and in
# float64 in scikit-learn, so tiny differences are expected; the report shows how tiny.

# %%
report = onnxlearn.verify(clf, models / "model.onnx", X_test)
report

# %% [markdown]
# ## 4. Heavy models: how big is each file?
#
# The pickle stores the Python objects of scikit-learn's trees; the ONNX file stores the same
# trees as the attributes of one `TreeEnsembleClassifier` operator.

# %%
import matplotlib.pyplot as plt

pickle_bytes = (models / "random_forest.pkl").stat().st_size
onnx_bytes = (models / "model.onnx").stat().st_size
print(f"pickle: {pickle_bytes / 1024:.0f} KiB   ONNX: {onnx_bytes / 1024:.0f} KiB   "
      f"ratio pickle/ONNX: {pickle_bytes / onnx_bytes:.1f}x")

fig, ax = plt.subplots(figsize=(5, 2.2))
ax.barh(["joblib pickle", "ONNX"], [pickle_bytes / 1024, onnx_bytes / 1024], color=["#999", "#1f77b4"])
ax.set_xlabel("file size (KiB)")
ax.set_title("The same random forest, saved two ways")
plt.show()

# %% [markdown]
# And the pickle is only the model: to *use* it, the server also needs Python, numpy, scipy and
# scikit-learn at a compatible version. The ONNX file needs only a runtime, and onnxruntime
# exists for C, C++, C#, Java, JavaScript and Python.

# %% [markdown]
# ## 5. Slow inference: one row at a time
#
# A web service predicts one request at a time. Let us time a single row with scikit-learn's
# `predict` and with onnxruntime. Both run on one thread here, for a fair comparison, and
# `onnxlearn.compare` repeats each measurement and reports the **median**, interleaving the
# two so that background load on your laptop hurts both alike. Your numbers will differ from
# ours; the ratio is what matters.

# %%
options = rt.SessionOptions()
options.intra_op_num_threads = 1
fast_session = rt.InferenceSession(models / "model.onnx", options,
                                   providers=["CPUExecutionProvider"])
one_row = X_test[:1]
one_row32 = one_row.astype(np.float32)

# %% tags=["nbval-ignore-output"]
timing = onnxlearn.compare({
    "scikit-learn predict": lambda: clf.predict(one_row),
    "onnxruntime run": lambda: fast_session.run([op], {ip: one_row32}),
}, rounds=9, round_time=0.05)
print(timing)
print(f"\nonnxruntime is {timing.speedup('scikit-learn predict', 'onnxruntime run'):.0f}x faster "
      "on one row")

# %% [markdown]
# Is onnxruntime always that much faster? scikit-learn pays a fixed cost per call (input
# validation, Python loops over 100 trees), which big batches amortise. Let us measure the
# time per call as the batch grows.

# %% tags=["nbval-ignore-output"]
rng = np.random.default_rng(0)
big_X = X_test[rng.integers(0, len(X_test), size=10_000)]

curve = onnxlearn.latency_curve(
    {"scikit-learn predict": lambda batch: clf.predict(batch),
     "onnxruntime run": lambda batch: fast_session.run([op], {ip: batch.astype(np.float32)})},
    make_batch=lambda n: big_X[:n], batch_sizes=[1, 10, 100, 1000, 10_000],
    rounds=3, round_time=0.02)
print(curve)
speedups = curve.speedups("scikit-learn predict", "onnxruntime run")
for size, speedup in zip(curve.batch_sizes, speedups):
    print(f"batch {size:>6}: onnxruntime {speedup:6.1f}x faster")

fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.4))
curve.plot(left)
left.set_title("time per call")
right.loglog(curve.batch_sizes, speedups, marker="o")
right.axhline(1, color="grey", linestyle="--")
right.set_xlabel("batch size (rows)")
right.set_ylabel("speed-up of onnxruntime (×)")
right.set_title("onnxruntime / scikit-learn")
plt.show()

# %% [markdown]
# The gap is largest for a single row, exactly the case of an online service, and it shrinks
# as batches grow, because both sides then spend their time in compiled tree traversal.

# %% [markdown]
# ## 6. No quantization? One call with ONNX
#
# Quantization stores weights as 8-bit integers instead of 32-bit floats. For tree models it
# does not apply, so we take the course's other model: a 512-256 neural network on handwritten
# digits (`onnxlearn.zoo.digits_mlp()` trains and converts it once, then caches it).
# onnxruntime quantizes an ONNX file in one call. Chapter 08 explains the options; here we
# only measure the result.

# %%
import logging

from onnxruntime.quantization import QuantType, quantize_dynamic

logging.getLogger().setLevel(logging.ERROR)  # the quantizer logs advice we don't need here

digits = onnxlearn.load_digits_split()
mlp = onnxlearn.zoo.digits_mlp()
quantized_path = models / "digits_mlp.int8.onnx"
quantize_dynamic(mlp.onnx_path, quantized_path, weight_type=QuantType.QInt8)

for name, path in [("float32", mlp.onnx_path), ("int8", quantized_path)]:
    accuracy = np.mean(onnxlearn.predict(path, digits.X_test) == digits.y_test)
    print(f"{name:>8}: {path.stat().st_size / 1024:6.0f} KiB, test accuracy {accuracy:.1%}")
print(f"size ratio float32/int8: {mlp.onnx_path.stat().st_size / quantized_path.stat().st_size:.1f}x")

# %% tags=["nbval-ignore-output"]
digit_row = digits.X_test[:1].astype(np.float32)
float_session = onnxlearn.session(mlp.onnx_path)
int8_session = onnxlearn.session(quantized_path)
quant_timing = onnxlearn.compare({
    "float32": lambda: float_session.run(["label"], {"float_input": digit_row}),
    "int8": lambda: int8_session.run(["label"], {"float_input": digit_row}),
}, rounds=9, round_time=0.05)
print(quant_timing)
print(f"\nint8 is {quant_timing.speedup('float32', 'int8'):.1f}x faster on one row")

# %% [markdown]
# Read your own numbers: the int8 file is about four times smaller, the accuracy barely moves,
# and on most CPUs the int8 model is also faster (chapter 08 measures by how much, at several
# batch sizes). Smaller and faster at almost no cost in accuracy: that is why quantization
# matters for phones and for serving costs.
#
# ## 7. Hardware acceleration: one file, many execution providers
#
# onnxruntime runs a model through an **execution provider**: CPU, CUDA and TensorRT for NVIDIA
# GPUs, CoreML on Apple devices, DirectML on Windows, OpenVINO on Intel... The *same* `.onnx`
# file runs on each; you only ask for a different provider. Here is what your installation
# offers (chapter 07 shows how to request a provider and detect a silent fallback):

# %% tags=["nbval-ignore-output"]
print("available on this machine:", rt.get_available_providers())
print("this session uses        :", session.get_providers())

# %% [markdown]
# ## 8. A pickle can run code; an ONNX file cannot
#
# `joblib.load` and `pickle.load` rebuild Python objects by *calling functions named in the
# file*. A pickle from a stranger can therefore run anything. Here is a harmless one that only
# prints, built the way a malicious one would be:

# %%
import pickle


class Surprise:
    def __reduce__(self):
        # pickle stores "call print with this argument" instead of the object itself
        return (print, ("This line was run by pickle.loads: it could have been any command.",))


blob = pickle.dumps(Surprise())
loaded = pickle.loads(blob)

# %% [markdown]
# An ONNX file is pure data: a protobuf message listing operators from the standard, with their
# attributes and weights. Loading it parses data and runs nothing. A graph can only *name*
# operators; if it names one that the runtime does not implement, the runtime refuses the model:

# %%
from onnx import TensorProto, helper

sneaky = helper.make_model(
    helper.make_graph(
        [helper.make_node("RunShellCommand", ["x"], ["y"], domain="evil.os")],
        "sneaky",
        [helper.make_tensor_value_info("x", TensorProto.STRING, [1])],
        [helper.make_tensor_value_info("y", TensorProto.STRING, [1])]),
    opset_imports=[helper.make_opsetid("", 18), helper.make_opsetid("evil.os", 1)])

try:
    onnxlearn.session(sneaky)
except onnxlearn.ModelLoadError as error:
    print("refused:", error.given.split(":", 1)[1].strip()[:110], "...")

# %% [markdown]
# (Runtimes can load *custom operator libraries* you register explicitly, which is native code
# you chose to trust, but a model file alone cannot bring code with it.)
#
# ## Recap
#
# - ONNX is a **standard file format** for models: a graph of well-defined, versioned operators,
#   for deep learning and traditional ML alike.
# - The journey is **train → save → convert (skl2onnx) → run (onnxruntime)**, and
#   `onnxlearn.verify` proves the conversion predicts the same labels and probabilities.
# - You measured the deployment problems: the ONNX file is smaller than the pickle; onnxruntime
#   is much faster on single rows (less so on big batches); quantization shrinks a network about
#   four times; and one file runs on every execution provider.
# - A pickle can execute code when loaded; an ONNX file is data.
#
# ## Exercises
#
# Each exercise sets `answer`; the cell after it checks your answer and gives a hint.
# Solutions: `solutions/01_why_onnx.ipynb`.
#
# **Exercise 01.1.** How many times bigger is `random_forest.pkl` than `model.onnx`?
# Compute it from the files (a float).

# %%
answer_1 = None  # your code here

# %%
onnxlearn.exercises.check("01.1", answer_1)

# %% [markdown]
# **Exercise 01.2.** Use `session` to predict the whole `X_test`, and compute the accuracy of
# the ONNX model against `y_test` (a float between 0 and 1).

# %%
answer_2 = None  # your code here

# %%
onnxlearn.exercises.check("01.2", answer_2)

# %% [markdown]
# **Exercise 01.3.** The converted model has a second output. Give its name and the
# probability that the ONNX model gives to the class `setosa` for the first row of `data`
# above, as a tuple `(output_name, probability)`.

# %%
answer_3 = None  # your code here

# %%
onnxlearn.exercises.check("01.3", answer_3)
