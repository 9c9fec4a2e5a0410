# %% [markdown]
# # 03 · Data types
#
# Every value that flows through an ONNX graph has a **type**. Most are *tensors* of one
# **element type**: `float`, `int64`, `string`, `bfloat16`... A few are containers: **sequences**
# of tensors, **maps** from keys to values, and **optionals** that may hold nothing. This chapter
# goes through all of them, and asks your onnxruntime, live, which ones it can really run.
#
# **You will learn**
# - every ONNX element type: its numpy counterpart, its size, and whether onnxruntime's CPU
#   provider runs it on *your* machine;
# - what float32, float16 and bfloat16 do to real numbers, and how integers overflow or
#   saturate through `Cast`;
# - to build and run models on **string tensors**: a text classifier fed with raw sentences;
# - where **sequences, maps and optionals** come from, including the ZipMap output of
#   scikit-learn classifiers, and why you usually want it off;
# - what happens when you feed the wrong dtype, and how to read the error.
#
# **Prerequisites:** chapter 02 (building a graph with `onnx.helper`), a little scikit-learn.
# **Time:** about 40 minutes.

# %%
import onnxlearn

onnxlearn.setup_notebook()

# %% [markdown]
# ## 1. The element types, straight from onnx
#
# A tensor's element type is stored in the file as a small integer, a value of the enum
# `onnx.TensorProto.DataType`. onnx itself tells us which types exist and which numpy dtype
# stands for each one. numpy has no `bfloat16`, no 8-bit floats and no 4-bit integers, so for
# those onnx borrows dtypes from the small `ml_dtypes` package.

# %%
import numpy as np
import onnx
from onnx import TensorProto, helper

names = [name for name in TensorProto.DataType.keys() if name != "UNDEFINED"]
print(f"onnx {onnx.__version__} defines {len(names)} element types")
for name in ["FLOAT", "INT64", "STRING", "BFLOAT16", "INT4"]:
    value = getattr(TensorProto, name)
    print(f"{name:<9} value {value:>2} -> {helper.tensor_dtype_to_np_dtype(value)!r}")

# %% [markdown]
# `onnxlearn.dtype_table()` puts all of them in one table, generated from onnx, so a type
# added by a future onnx release shows up by itself. Its columns:
#
# - **numpy**: numpy's own dtype, or "none"; **ml_dtypes**: the dtype onnx uses instead;
# - **bits** per element (4-bit and 2-bit types are packed, several per byte; "var" for strings);
# - **category**: float, int, bool, string, complex, or a low-precision family (float8, float6,
#   float4, int4, int2);
# - then a **live probe**. For each type, onnxlearn builds tiny models (`Identity`, `Cast` from
#   and to float, and `Add` where the ONNX specification allows it) and runs them on
#   onnxruntime's CPU provider. "n/a" means the specification does not define the operator for
#   that type; "FAIL" means onnxruntime refused, and the reason is printed below the table.
#   The probe is cached per onnxruntime version, so it runs only once.

# %%
table = onnxlearn.dtype_table()
table

# %%
probe = onnxlearn.probe_dtypes()
for status in ("supported", "partial", "unsupported"):
    print(f"{status:<12} {', '.join(probe.names(status))}")

# %% [markdown]
# Read it as a map of what you can deploy with *your* onnxruntime (check each point against
# the table above; a newer onnxruntime may support more):
#
# - The **classic types** (floats, integers, bool, string) all work, which is what converted
#   scikit-learn and PyTorch models use.
# - **bfloat16 and the float8 types** can be cast. The ONNX specification gives float8 no
#   arithmetic at all (`Add` is "n/a"), and the CPU provider may lack bfloat16 `Add` (look at
#   its row): these types are meant for a handful of operators (casts, quantization, matrix
#   products on accelerators), not for everything.
# - The **4-bit and 2-bit integer types** exist to pack weights; look at which of their probes
#   pass: typically only the casts.
# - The newest types (**float4** and **float6**, from opsets 23 and 28) and the **complex**
#   types are valid ONNX, but the probe may find that onnxruntime's CPU provider runs them not
#   at all (section 6 shows the complex case).
#
# One type at a time, by name, enum value or numpy dtype:

# %%
print(onnxlearn.data_type("bfloat16"))
print(onnxlearn.data_type(np.int8))
try:
    onnxlearn.data_type("bfloat61")
except onnxlearn.UnknownDataTypeError as error:
    print(f"UnknownDataTypeError: {error}")

# %% [markdown]
# What does "numpy: none" mean in practice? onnxruntime's Python API exchanges numpy arrays,
# and it does not know the `ml_dtypes` dtypes. A model *can* have a bfloat16 input, but you
# cannot hand it one from Python:

# %%
import ml_dtypes
import onnxruntime as ort

OPSET = [helper.make_opsetid("", 18)]
CPU = ["CPUExecutionProvider"]


def one_node_model(op_type, inputs, outputs, *, initializers=(), opset=OPSET, **attributes):
    """A model with one node; inputs and outputs are (name, element type, shape) triples."""
    node = helper.make_node(op_type, [name for name, *_ in inputs] +
                            [init.name for init in initializers],
                            [name for name, *_ in outputs], **attributes)
    graph = helper.make_graph([node], op_type.lower(),
                              [helper.make_tensor_value_info(*spec) for spec in inputs],
                              [helper.make_tensor_value_info(*spec) for spec in outputs],
                              initializer=list(initializers))
    return helper.make_model(graph, opset_imports=opset)


bf16_identity = one_node_model("Identity", [("x", TensorProto.BFLOAT16, [None])],
                               [("y", TensorProto.BFLOAT16, [None])])
session = ort.InferenceSession(bf16_identity.SerializeToString(), providers=CPU)
try:
    session.run(None, {"x": np.array([1.5, 2.5], dtype=ml_dtypes.bfloat16)})
except Exception as error:
    print(f"{type(error).__name__}: {error}")

# %% [markdown]
# The way around it is to keep such types *inside* the graph: take float32 in, `Cast` to
# bfloat16 where the model needs it, and `Cast` back before the output. That is exactly what
# the next section does.
#
# ## 2. Floats: how much precision do you keep?
#
# | type | bits | sign · exponent · mantissa | typical use |
# |---|---|---|---|
# | DOUBLE (float64) | 64 | 1 · 11 · 52 | scikit-learn's default |
# | FLOAT (float32) | 32 | 1 · 8 · 23 | what almost every ONNX model computes in |
# | FLOAT16 | 16 | 1 · 5 · 10 | GPU inference, half the memory |
# | BFLOAT16 | 16 | 1 · 8 · 7 | training and inference on recent hardware; float32's range, less precision |
#
# Let's measure it on real values: the 2,314 measurements of scikit-learn's wine data set,
# from 0.13 to 1,680. A small model casts float64 values to each type and back, and we
# compare what comes out with what went in.

# %%
from sklearn.datasets import load_wine

values = load_wine().data.ravel()
print(f"{values.size} values from {values.min()} to {values.max()}")


def round_trip_model(elem_type):
    """x (float64) -> Cast to elem_type -> Cast back to float64."""
    graph = helper.make_graph(
        [helper.make_node("Cast", ["x"], ["narrow"], to=elem_type),
         helper.make_node("Cast", ["narrow"], ["y"], to=TensorProto.DOUBLE)],
        "round_trip", [helper.make_tensor_value_info("x", TensorProto.DOUBLE, [None])],
        [helper.make_tensor_value_info("y", TensorProto.DOUBLE, [None])])
    return helper.make_model(graph, opset_imports=OPSET)


float_types = ["DOUBLE", "FLOAT", "FLOAT16", "BFLOAT16"]
relative_error = {}
for name in float_types:
    back = onnxlearn.predict(round_trip_model(getattr(TensorProto, name)), values)
    relative_error[name] = np.abs(back - values) / np.abs(values)

print(f"{'type':<9} {'bits':>4} {'digits':>6} {'worst error':>12} {'median error':>13} "
      f"{'largest value':>14}")
for name in float_types:
    info = ml_dtypes.finfo(onnxlearn.data_type(name).helper_dtype)
    error = relative_error[name]
    print(f"{name:<9} {info.bits:>4} {info.precision:>6} {error.max():>12.2e} "
          f"{np.median(error):>13.2e} {float(info.max):>14.4g}")

# %% [markdown]
# "digits" is the number of decimal digits each type keeps. Rounding to the nearest
# representable number can never be off by more than half the gap between two neighbours, so
# the relative error is bounded by the *unit roundoff*: 2⁻²⁴ ≈ 6e-8 for float32, 2⁻¹¹ ≈ 5e-4
# for float16 and 2⁻⁸ ≈ 4e-3 for bfloat16 (compare the "worst error" column). The plot shows
# every value: the error depends on where a value falls between two representable neighbours,
# and its bound does not grow with the value's magnitude (as long as the value stays within
# the type's normal range).

# %%
import matplotlib.pyplot as plt

fig, ax = plt.subplots(figsize=(7, 3.6))
for name, colour in zip(["FLOAT", "FLOAT16", "BFLOAT16"], ["C0", "C1", "C2"]):
    error = relative_error[name]
    exact = error == 0
    ax.scatter(values[~exact], error[~exact], s=4, alpha=0.5, color=colour,
               label=f"{name} ({exact.mean():.0%} exact)")
    roundoff = float(ml_dtypes.finfo(onnxlearn.data_type(name).helper_dtype).eps) / 2
    ax.axhline(roundoff, color=colour, linestyle="--", linewidth=1)
ax.set_xscale("log")
ax.set_yscale("log")
ax.set_xlabel("value (wine data set)")
ax.set_ylabel("relative rounding error")
ax.set_title("Cast to a narrower float and back: dashed lines = unit roundoff")
ax.legend(loc="lower right", markerscale=3)
plt.show()

# %% [markdown]
# Precision is half the story; the other half is **range**. float16's largest value is 65,504:
# anything bigger becomes infinity, and tiny values vanish to zero. bfloat16 keeps float32's
# range, which is why training prefers it, but it rounds 1,680 nicely and 70,000 roughly.

# %%
probes = np.array([1e-8, 0.1, 1680.0, 70000.0, 1e39])
print(f"{'value':>8}" + "".join(f"{name:>14}" for name in float_types))
results = {name: onnxlearn.predict(round_trip_model(getattr(TensorProto, name)), probes)
           for name in float_types}
for i, value in enumerate(probes):
    print(f"{value:>8g}" + "".join(f"{results[name][i]:>14.6g}" for name in float_types))

# %% [markdown]
# ## 3. Integers: overflow, wrap-around and saturation
#
# onnxruntime's `Cast` from float to an integer type **truncates toward zero** (3.7 becomes 3).
# For values outside the target's range, the ONNX specification says the result is
# *undefined*: look at what your onnxruntime printed below for 128, 300 and -129. Integer
# arithmetic overflows silently too.

# %%
x = np.array([3.7, -3.7, 127.0, 128.0, 300.0, -129.0], dtype=np.float32)
to_int8 = one_node_model("Cast", [("x", TensorProto.FLOAT, [None])],
                         [("y", TensorProto.INT8, [None])], to=TensorProto.INT8)
print("float32       ", x)
print("Cast to int8  ", onnxlearn.predict(to_int8, x))

add_int8 = one_node_model("Add", [("a", TensorProto.INT8, [None]), ("b", TensorProto.INT8, [None])],
                          [("y", TensorProto.INT8, [None])])
a = np.array([100, -100, 127], dtype=np.int8)
print("int8 a + a    ", onnxlearn.run(add_int8, {"a": a, "b": a})["y"], " (a =", a, ")")

# %% [markdown]
# Silent overflow is dangerous: an out-of-range value can come out as an unrelated number
# (look at 300 and -129 above), and nothing warns you. Where ONNX *wants* a value to stay in
# range, it **saturates** instead, clamping to the nearest value the type can hold:
#
# - `QuantizeLinear` (chapter 08) computes `round(x / scale) + zero_point`, rounding half to
#   even, and clamps to -128..127;
# - `Cast` to a float8 type has a `saturate` attribute: 1 (the default) clamps to the largest
#   float8 value, 448 for FLOAT8E4M3FN; 0 turns out-of-range values into NaN.

# %%
scale = onnx.numpy_helper.from_array(np.array(1.0, dtype=np.float32), "scale")
zero_point = onnx.numpy_helper.from_array(np.array(0, dtype=np.int8), "zero_point")
quantize = one_node_model("QuantizeLinear", [("x", TensorProto.FLOAT, [None])],
                          [("y", TensorProto.INT8, [None])], initializers=[scale, zero_point])
print("QuantizeLinear", onnxlearn.predict(quantize, x))


def float8_round_trip(saturate):
    """float32 -> FLOAT8E4M3FN (with or without saturation) -> float32."""
    graph = helper.make_graph(
        [helper.make_node("Cast", ["x"], ["f8"], to=TensorProto.FLOAT8E4M3FN, saturate=saturate),
         helper.make_node("Cast", ["f8"], ["y"], to=TensorProto.FLOAT)],
        "float8", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [None])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [None])])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 19)])


big = np.array([1.06, 300.0, 448.0, 500.0, -1000.0], dtype=np.float32)
print("float32       ", big)
print("float8, sat=1 ", onnxlearn.predict(float8_round_trip(1), big))
print("float8, sat=0 ", onnxlearn.predict(float8_round_trip(0), big))

# %% [markdown]
# ## 4. Bool
#
# `BOOL` is one byte per element, like numpy's `bool`. Comparisons (`Greater`, `Equal`...)
# produce it, logical operators (`And`, `Not`, `Where`) consume it, and `Cast` turns it into 0
# and 1. Arithmetic on bool is *not* part of ONNX, which is why `Add` said "n/a" in the table.
# The checker catches the mistake before any runtime sees it, provided you ask for
# `full_check=True`, which also runs type and shape inference:

# %%
threshold = onnx.numpy_helper.from_array(np.array(2.0, dtype=np.float32), "threshold")
greater = one_node_model("Greater", [("x", TensorProto.FLOAT, [None])],
                         [("mask", TensorProto.BOOL, [None])], initializers=[threshold])
mask = onnxlearn.predict(greater, np.array([1.0, 2.0, 3.0, 4.0]))
print(mask, mask.dtype, f"{mask.itemsize} byte per element")

add_bool = one_node_model("Add", [("a", TensorProto.BOOL, [None]), ("b", TensorProto.BOOL, [None])],
                          [("y", TensorProto.BOOL, [None])])
try:
    onnx.checker.check_model(add_bool, full_check=True)
except onnx.shape_inference.InferenceError as error:
    print(f"checker: {error}")

# %% [markdown]
# ## 5. String tensors: a text classifier that reads raw sentences
#
# ONNX tensors can hold **strings**, and scikit-learn's text pipelines convert to graphs that
# tokenize, count and weigh words themselves. Here is a tiny built-in corpus: sentences about
# pets (label 0) and about finance (label 1).

# %%
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

corpus = [
    ("the cat sat on the mat", 0), ("my dog loves long walks", 0),
    ("a kitten plays with a ball of wool", 0), ("the puppy chewed my shoes", 0),
    ("our cat sleeps all day on the sofa", 0), ("dogs and cats can be friends", 0),
    ("the vet said the dog is healthy", 0), ("feed the kitten twice a day", 0),
    ("the stock market fell sharply today", 1), ("shares rose after strong earnings", 1),
    ("the central bank raised interest rates", 1), ("investors sold their bank shares", 1),
    ("bond yields climbed as rates rose", 1), ("the company reported record profits", 1),
    ("markets rallied on the earnings news", 1), ("interest rates hit investors hard", 1),
]
texts = [text for text, _ in corpus]
labels = np.array([label for _, label in corpus])
text_pipeline = make_pipeline(TfidfVectorizer(), LogisticRegression())
text_pipeline.fit(texts, labels)
print(f"vocabulary: {len(text_pipeline[0].vocabulary_)} words, "
      f"training accuracy {text_pipeline.score(texts, labels):.2f}")

# %% [markdown]
# The input is declared as `StringTensorType([None, 1])`: any number of rows, one sentence
# each. The `locale` option deserves a word: the graph lower-cases text with a `StringNormalizer`
# node, whose default locale `en_US.UTF-8` is not installed on every machine (minimal Linux
# images and containers often lack it). The "C" locale exists everywhere and lower-cases ASCII.

# %%
from skl2onnx import convert_sklearn
from skl2onnx.common.data_types import StringTensorType

TARGET_OPSET = {"": onnxlearn.zoo.TARGET_OPSET, "ai.onnx.ml": onnxlearn.zoo.TARGET_ML_OPSET}
text_onnx = convert_sklearn(
    text_pipeline, initial_types=[("text", StringTensorType([None, 1]))], name="text_classifier",
    target_opset=TARGET_OPSET, options={TfidfVectorizer: {"locale": "C"}})
text_path = onnxlearn.models_dir() / "text_classifier.onnx"
text_path.write_bytes(text_onnx.SerializeToString())
print(text_path.name, [node.op_type for node in text_onnx.graph.node])

# %% [markdown]
# Does the default locale work on *your* machine? (The answer differs between machines, so
# this cell's output is not part of the course's checks.)

# %% tags=["nbval-ignore-output"]
import re

default_locale = convert_sklearn(
    text_pipeline, initial_types=[("text", StringTensorType([None, 1]))],
    target_opset=TARGET_OPSET)
quiet = ort.SessionOptions()
quiet.log_severity_level = 4  # we print the error ourselves
try:
    ort.InferenceSession(default_locale.SerializeToString(), quiet, providers=CPU)
    print("the default locale en_US.UTF-8 works here")
except Exception as error:
    found = re.search(r"Failed to construct locale with name:\s*[^:]+", str(error))
    print("the default locale fails here:", found.group() if found else str(error)[:200])

# %% [markdown]
# The graph: `StringNormalizer` (lower-case), `Tokenizer` (split into words; it lives in
# onnxruntime's `com.microsoft` domain), `TfIdfVectorizer` (count and weigh), then the linear
# model. Take a look:

# %%
onnxlearn.show(text_onnx)

# %% [markdown]
# Now feed it raw sentences, as a 2-D array of Python strings (`dtype=object`), and compare
# with scikit-learn:

# %%
new_texts = ["a kitten sleeps on my dog", "the bank cut rates and shares fell",
             "the cat loves the market"]
session = ort.InferenceSession(text_path, providers=CPU)
onnx_labels, onnx_probabilities = session.run(
    None, {"text": np.array(new_texts, dtype=object).reshape(-1, 1)})
for text, label, row in zip(new_texts, onnx_labels, onnx_probabilities):
    print(f"{text:<36} label {label}, P(finance) = {row[1]:.3f}")
print("same labels as scikit-learn:",
      np.array_equal(onnx_labels, text_pipeline.predict(new_texts)))
as_matrix = np.array([[row[0], row[1]] for row in onnx_probabilities])
difference = np.abs(as_matrix - text_pipeline.predict_proba(new_texts)).max()
print(f"largest probability difference: {difference:.1e}")

# %% [markdown]
# Wait: `onnx_probabilities` is not an array but a list of dicts. That is **ZipMap**, and
# section 8 explains it.
#
# ## 6. Complex numbers
#
# `COMPLEX64` and `COMPLEX128` are part of ONNX, and a model using them passes the checker.
# But onnxruntime has no kernels for them at all: the session cannot even be created.

# %%
complex_identity = one_node_model("Identity", [("z", TensorProto.COMPLEX64, [None])],
                                  [("w", TensorProto.COMPLEX64, [None])])
onnx.checker.check_model(complex_identity, full_check=True)
print("checker: valid")
try:
    ort.InferenceSession(complex_identity.SerializeToString(), providers=CPU)
except Exception as error:
    print(f"{type(error).__name__}: {error}")

# %% [markdown]
# Signal-processing operators work around it: `DFT` (opset 20) takes and returns real tensors
# whose last dimension of size 2 holds the real and imaginary parts.

# %%
axis = onnx.numpy_helper.from_array(np.array(1, dtype=np.int64), "axis")
dft = helper.make_model(helper.make_graph(
    [helper.make_node("DFT", ["signal", "", "axis"], ["spectrum"])], "dft",
    [helper.make_tensor_value_info("signal", TensorProto.FLOAT, [1, None, 1])],
    [helper.make_tensor_value_info("spectrum", TensorProto.FLOAT, [1, None, 2])],
    initializer=[axis]), opset_imports=[helper.make_opsetid("", 20)])
signal = np.cos(2 * np.pi * np.arange(8) / 8).astype(np.float32)
spectrum = onnxlearn.predict(dft, signal.reshape(1, 8, 1))[0]
as_complex = spectrum[:, 0] + 1j * spectrum[:, 1]
print("ONNX DFT :", np.round(as_complex.real, 3))
print("numpy FFT:", np.round(np.fft.fft(signal).real, 3))

# %% [markdown]
# ## 7. Sequences
#
# A **sequence** is an ordered list of tensors of one element type, whose shapes may differ.
# `SplitToSequence` cuts a tensor into pieces, `SequenceConstruct` gathers tensors,
# `SequenceLength` counts them and `ConcatFromSequence` glues them back. onnxruntime hands a
# sequence to Python as a list of arrays, and takes one the same way.

# %%
float_sequence = helper.make_sequence_type_proto(
    helper.make_tensor_type_proto(TensorProto.FLOAT, None))
sizes = onnx.numpy_helper.from_array(np.array([1, 2, 3], dtype=np.int64), "sizes")
sequence_model = helper.make_model(helper.make_graph(
    [helper.make_node("SplitToSequence", ["x", "sizes"], ["pieces"]),
     helper.make_node("SequenceLength", ["pieces"], ["count"]),
     helper.make_node("SequenceConstruct", ["x", "extra"], ["pair"]),
     helper.make_node("ConcatFromSequence", ["pair"], ["joined"], axis=0)],
    "sequences",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [6]),
     helper.make_tensor_value_info("extra", TensorProto.FLOAT, [None])],
    [helper.make_value_info("pieces", float_sequence),
     helper.make_tensor_value_info("count", TensorProto.INT64, []),
     helper.make_value_info("pair", float_sequence),
     helper.make_tensor_value_info("joined", TensorProto.FLOAT, [None])],
    initializer=[sizes]), opset_imports=OPSET)
onnx.checker.check_model(sequence_model, full_check=True)

outputs = onnxlearn.run(sequence_model, {"x": np.arange(6, dtype=np.float32),
                                         "extra": np.array([10, 20], dtype=np.float32)})
for name, value in outputs.items():
    print(f"{name:<7} {type(value).__name__:<8} {value}")

# %% [markdown]
# Sequences show up in converted models too: a scikit-learn classifier's probabilities, by
# default, come out as a sequence of maps.
#
# ## 8. Maps: ZipMap and DictVectorizer
#
# A **map** pairs keys (int64 or string) with values. skl2onnx ends every classifier with a
# **ZipMap** node that turns the probability matrix into one `{class: probability}` dict per row,
# to look like scikit-learn's `predict_proba`... except that it is a list of dicts.

# %%
from skl2onnx import to_onnx

iris = onnxlearn.load_iris_split()
iris_clf = LogisticRegression(max_iter=500).fit(iris.X_train, iris.y_train)
X_sample = iris.X_test[:2].astype(np.float32)
with_zipmap = to_onnx(iris_clf, X_sample, target_opset=TARGET_OPSET)
without_zipmap = to_onnx(iris_clf, X_sample, target_opset=TARGET_OPSET, options={"zipmap": False})
for label, model in [("zipmap on ", with_zipmap), ("zipmap off", without_zipmap)]:
    outputs = onnxlearn.run(model, X_sample)
    name, probabilities = list(outputs.items())[1]
    shown = ([{k: round(v, 3) for k, v in row.items()} for row in probabilities]
             if isinstance(probabilities, list)
             else np.round(probabilities.astype(np.float64), 3).tolist())
    print(f"{label}: {name} is a {type(probabilities).__name__}: {shown}")

# %% [markdown]
# What does that cost? onnxruntime computes the probabilities as one float32 matrix, and ZipMap
# then builds one Python dict per row, and one Python float per probability. Let's time both
# models on 10,000 rows, one thread each (your numbers will differ from anyone else's, so this cell's output is
# not part of the course's checks):

# %% tags=["nbval-ignore-output"]
rng = np.random.default_rng(0)
X_many = iris.X_test[rng.integers(0, len(iris.X_test), 10_000)].astype(np.float32)
zipmap_session = onnxlearn.session(with_zipmap)
plain_session = onnxlearn.session(without_zipmap)
timing = onnxlearn.compare({
    "zipmap on": lambda: zipmap_session.run(None, {"X": X_many}),
    "zipmap off": lambda: plain_session.run(None, {"X": X_many}),
}, rounds=7, round_time=0.05)
print(timing)
print(f"\nturning ZipMap off is {timing.speedup('zipmap on', 'zipmap off'):.1f}× faster here")

# %%
fig, ax = plt.subplots(figsize=(5, 2.4))
ax.barh(timing.names, [timing[name].median * 1e3 for name in timing.names], color=["C3", "C2"])
ax.set_xlabel("ms per call, 10,000 rows (median)")
ax.set_title("The same classifier, with and without ZipMap")
plt.show()

# %% [markdown]
# Read your own numbers: the ratio depends on your machine, but building dicts is never free.
# So convert classifiers with `options={"zipmap": False}` (or `{LogisticRegression: {"zipmap":
# False}}` inside a pipeline) unless you really want dicts.
#
# Maps can be *inputs* too. scikit-learn's `DictVectorizer` turns `{feature name: value}` records
# into columns; converted, its input is a `map(string, tensor(float))`, and onnxruntime takes a
# plain Python dict, one record per call.

# %%
from sklearn.feature_extraction import DictVectorizer
from skl2onnx.common.data_types import DictionaryType, FloatTensorType

records = [{"colour=red": 1.0, "weight": 3.0}, {"colour=blue": 1.0, "weight": 1.0},
           {"colour=red": 1.0, "weight": 2.5}, {"colour=blue": 1.0, "weight": 0.5},
           {"colour=green": 1.0, "weight": 2.0}, {"colour=blue": 1.0, "weight": 2.2}]
heavy = np.array([1, 0, 1, 0, 1, 0])
dict_pipeline = make_pipeline(DictVectorizer(sparse=False), LogisticRegression())
dict_pipeline.fit(records, heavy)
dict_onnx = convert_sklearn(
    dict_pipeline,
    initial_types=[("record", DictionaryType(StringTensorType([]), FloatTensorType([])))],
    target_opset=TARGET_OPSET, options={LogisticRegression: {"zipmap": False}})
record = {"colour=red": 1.0, "weight": 1.8}
label, probabilities = onnxlearn.session(dict_onnx).run(None, {"record": record})
print(f"input type: {onnxlearn.session(dict_onnx).get_inputs()[0].type}")
print(f"ONNX: label {label[0]}, P = {np.round(probabilities[0], 3)}")
print(f"scikit-learn: label {dict_pipeline.predict([record])[0]}, "
      f"P = {np.round(dict_pipeline.predict_proba([record])[0], 3)}")

# %% [markdown]
# ## 9. Optionals
#
# An **optional** holds either a value or nothing. It appears where a model may legitimately
# receive or produce "no value", for example state that does not exist yet on a loop's
# first step. `OptionalHasElement` asks whether something is there, `OptionalGetElement`
# unwraps it, and `Optional` wraps a value. From Python, "nothing" is `None`.

# %%
optional_float = helper.make_optional_type_proto(
    helper.make_tensor_type_proto(TensorProto.FLOAT, [None]))
optional_model = helper.make_model(helper.make_graph(
    [helper.make_node("OptionalHasElement", ["maybe"], ["present"]),
     helper.make_node("Optional", ["x"], ["wrapped"])],
    "optionals",
    [helper.make_value_info("maybe", optional_float),
     helper.make_tensor_value_info("x", TensorProto.FLOAT, [None])],
    [helper.make_tensor_value_info("present", TensorProto.BOOL, []),
     helper.make_value_info("wrapped", optional_float)]), opset_imports=OPSET)
onnx.checker.check_model(optional_model, full_check=True)
for maybe in (np.array([1.5], dtype=np.float32), None):
    outputs = onnxlearn.run(optional_model, {"maybe": maybe, "x": np.array([7.0], np.float32)})
    print(f"maybe={maybe!s:<6} -> present={outputs['present']}, wrapped={outputs['wrapped']}")

# %% [markdown]
# ## 10. How each type appears in a graph
#
# Every graph input and output is a `ValueInfoProto`: a name and a `TypeProto`, which holds
# exactly one of `tensor_type`, `sequence_type`, `map_type`, `optional_type` or
# `sparse_tensor_type`, nested as deep as needed. Here are all the kinds this chapter met:

# %%
def type_string(type_proto):
    """Write a TypeProto the way onnxruntime does: tensor(float), seq(map(int64,tensor(float)))."""
    kind = type_proto.WhichOneof("value")
    if kind == "tensor_type":
        return f"tensor({TensorProto.DataType.Name(type_proto.tensor_type.elem_type).lower()})"
    if kind == "sequence_type":
        return f"seq({type_string(type_proto.sequence_type.elem_type)})"
    if kind == "map_type":
        key = TensorProto.DataType.Name(type_proto.map_type.key_type).lower()
        return f"map({key},{type_string(type_proto.map_type.value_type)})"
    if kind == "optional_type":
        return f"optional({type_string(type_proto.optional_type.elem_type)})"
    return kind


examples = {"text": text_onnx.graph.input[0], "sequence": sequence_model.graph.output[0],
            "zipmap": with_zipmap.graph.output[1], "dict input": dict_onnx.graph.input[0],
            "optional": optional_model.graph.input[0]}
for label, value_info in examples.items():
    print(f"{label:<11} {value_info.name:<19} {value_info.type.WhichOneof('value'):<14} "
          f"{type_string(value_info.type)}")

# %% [markdown]
# Printed raw, the ZipMap output shows the nesting: a sequence whose elements are maps whose
# values are float tensors.

# %%
print(with_zipmap.graph.output[1].type)

# %% [markdown]
# `onnxlearn.summarize` reports the same types for any model, along with its header, operators
# and weights:

# %%
onnxlearn.summarize(with_zipmap)

# %% [markdown]
# ## 11. Feeding the wrong dtype
#
# onnxruntime checks every input's element type and refuses any mismatch, even a harmless one:
# the iris model computes in float32, and scikit-learn data is float64.

# %%
model_path = onnxlearn.models_dir() / "iris_logistic.onnx"
model_path.write_bytes(without_zipmap.SerializeToString())
X_float64 = iris.X_test[:3]
plain = ort.InferenceSession(model_path, providers=CPU)
try:
    plain.run(None, {"X": X_float64})
except Exception as error:
    print(f"onnxruntime: {type(error).__name__}: {error}")

# %% [markdown]
# `onnxlearn.predict` checks inputs *before* onnxruntime sees them. It converts float64 to
# float32 (the precision the model works in anyway, section 2), and refuses conversions that
# would lose meaning, with a message that says what the model expects and how to fix the call.
# `cast="no"` refuses every conversion.

# %%
print("onnxlearn.predict(float64):", onnxlearn.predict(model_path, X_float64))
for label, call in [
    ("strings for floats", lambda: onnxlearn.predict(model_path, np.array([["5.1"] * 4]))),
    ("cast='no'", lambda: onnxlearn.predict(model_path, X_float64, cast="no")),
    ("numbers for text", lambda: onnxlearn.predict(text_path, [[1.0], [2.0]])),
]:
    try:
        call()
    except onnxlearn.InputMismatchError as error:
        print(f"{label}: {error}")

# %% [markdown]
# ## Recap
#
# - ONNX has a few dozen **element types**; `onnxlearn.dtype_table()` lists them from your onnx,
#   with their numpy dtype (or the `ml_dtypes` stand-in), size and category, and a **live probe**
#   of what your onnxruntime's CPU provider runs. The classic types all work; bfloat16, float8
#   and int4 work only for a few operators; complex does not run at all, and the newest types
#   (float4, float6) may not either: the probe tells you for your version.
# - Narrower floats trade precision and range for memory: the worst rounding error is the unit
#   roundoff (6e-8 for float32, 5e-4 for float16, 4e-3 for bfloat16), and float16 overflows
#   above 65,504.
# - Float-to-int `Cast` truncates, and its result out of range is undefined by the
#   specification; integer `Add` overflows silently; `QuantizeLinear` and float8 casts
#   **saturate**.
# - **String tensors** let a converted text pipeline read raw sentences (mind the
#   `StringNormalizer` locale).
# - **Sequences** are lists of tensors; **maps** are dicts (ZipMap output, DictVectorizer input);
#   **optionals** may be `None`. Turn ZipMap off with `options={"zipmap": False}`: you measured
#   how much faster it is.
# - onnxruntime refuses any dtype mismatch; `onnxlearn.predict` converts the safe cases and
#   explains the others.
#
# ## Exercises
#
# Each exercise sets an `answer`; the cell after it checks it and gives a hint.
# Solutions: `solutions/03_data_types.ipynb`.
#
# **Exercise 03.1.** float16 stores integers exactly up to some point, then starts skipping.
# What is the largest `n` such that every integer from 0 to `n` is exact in float16?

# %%
answer_1 = None  # your code here

# %%
onnxlearn.exercises.check("03.1", answer_1)

# %% [markdown]
# **Exercise 03.2.** Build a model that converts float32 to int8 *safely*: values below -128 or
# above 127 must become -128 or 127 instead of wrapping around, and the others are truncated
# like `Cast` does. One input `x` (float, shape `[None]`) and one output (int8). Hint: `Clip`
# takes its bounds as extra inputs.

# %%
answer_2 = None  # your onnx.ModelProto here

# %%
onnxlearn.exercises.check("03.2", answer_2)

# %% [markdown]
# **Exercise 03.3.** Convert `text_pipeline` again, this time so that the probabilities come
# out as a plain `(n, 2)` float tensor instead of a list of dicts. Keep the string input.

# %%
answer_3 = None  # your onnx.ModelProto here

# %%
onnxlearn.exercises.check("03.3", answer_3)
