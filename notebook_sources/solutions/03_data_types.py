# %% [markdown]
# # 03 · Data types — solutions
#
# The exercises of chapter 03, answered. The first cells rebuild what the exercises use:
# the chapter's text classifier, trained on the same corpus and saved as
# `text_classifier.onnx`.

# %%
import onnxlearn

onnxlearn.setup_notebook()

# %%
import numpy as np
import onnx
from onnx import TensorProto, helper
from skl2onnx import convert_sklearn
from skl2onnx.common.data_types import StringTensorType
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
text_pipeline = make_pipeline(TfidfVectorizer(), LogisticRegression()).fit(texts, labels)

TARGET_OPSET = {"": onnxlearn.zoo.TARGET_OPSET, "ai.onnx.ml": onnxlearn.zoo.TARGET_ML_OPSET}
text_onnx = convert_sklearn(
    text_pipeline, initial_types=[("text", StringTensorType([None, 1]))], name="text_classifier",
    target_opset=TARGET_OPSET, options={TfidfVectorizer: {"locale": "C"}})
text_path = onnxlearn.models_dir() / "text_classifier.onnx"
text_path.write_bytes(text_onnx.SerializeToString())
print("saved", text_path.name)

# %% [markdown]
# **Exercise 03.1.** What is the largest `n` such that every integer from 0 to `n` is exact in
# float16?
#
# float16 has 10 mantissa bits plus an implicit leading one: 11 significant bits. Up to
# 2¹¹ = 2048 every integer fits; above it, the gap between neighbours becomes 2, so 2049 rounds.
# We check it with an ONNX `Cast` round trip, the way the chapter did.

# %%
round_trip = helper.make_model(helper.make_graph(
    [helper.make_node("Cast", ["x"], ["half"], to=TensorProto.FLOAT16),
     helper.make_node("Cast", ["half"], ["y"], to=TensorProto.DOUBLE)],
    "round_trip", [helper.make_tensor_value_info("x", TensorProto.DOUBLE, [None])],
    [helper.make_tensor_value_info("y", TensorProto.DOUBLE, [None])]),
    opset_imports=[helper.make_opsetid("", 18)])
integers = np.arange(5000, dtype=np.float64)
back = onnxlearn.predict(round_trip, integers)
first_wrong = int(integers[back != integers][0])
answer_1 = first_wrong - 1
print(f"first integer that is not exact: {first_wrong} (comes back as {back[first_wrong]:g})")

# %%
onnxlearn.exercises.check("03.1", answer_1)

# %% [markdown]
# **Exercise 03.2.** Build a model that converts float32 to int8 *safely*: clamp to -128..127,
# then truncate like `Cast`.
#
# `Clip` takes its bounds as optional inputs (since opset 11), as tensors of the input's type.

# %%
low = onnx.numpy_helper.from_array(np.array(-128.0, dtype=np.float32), "low")
high = onnx.numpy_helper.from_array(np.array(127.0, dtype=np.float32), "high")
answer_2 = helper.make_model(helper.make_graph(
    [helper.make_node("Clip", ["x", "low", "high"], ["clipped"]),
     helper.make_node("Cast", ["clipped"], ["y"], to=TensorProto.INT8)],
    "saturating_cast", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [None])],
    [helper.make_tensor_value_info("y", TensorProto.INT8, [None])], initializer=[low, high]),
    opset_imports=[helper.make_opsetid("", 18)])
onnx.checker.check_model(answer_2, full_check=True)
print(onnxlearn.predict(answer_2, np.array([-1000.0, -3.7, 3.7, 300.0], dtype=np.float32)))

# %%
onnxlearn.exercises.check("03.2", answer_2)

# %% [markdown]
# **Exercise 03.3.** Convert `text_pipeline` again so that the probabilities come out as a
# plain `(n, 2)` float tensor. Options can be given per estimator class.

# %%
answer_3 = convert_sklearn(
    text_pipeline, initial_types=[("text", StringTensorType([None, 1]))],
    target_opset=TARGET_OPSET,
    options={TfidfVectorizer: {"locale": "C"}, LogisticRegression: {"zipmap": False}})
outputs = onnxlearn.run(answer_3, {"text": np.array([["the cat and the bank"]], dtype=object)})
print({name: np.round(value, 3) for name, value in outputs.items()})

# %%
onnxlearn.exercises.check("03.3", answer_3)
