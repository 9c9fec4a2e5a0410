# %% [markdown]
# # 01 · Why ONNX? — solutions
#
# The exercises of chapter 01, answered. The first cells rebuild what the exercises use:
# the reference demo's random forest, saved as `random_forest.pkl` and `model.onnx`.

# %%
import onnxlearn

onnxlearn.setup_notebook()

# %%
import joblib
import numpy as np
import onnxruntime as rt
from skl2onnx import convert_sklearn
from skl2onnx.common.data_types import FloatTensorType
from sklearn.datasets import load_iris
from sklearn.ensemble import RandomForestClassifier
from sklearn.model_selection import train_test_split

models = onnxlearn.models_dir()
iris = load_iris()
X_train, X_test, y_train, y_test = train_test_split(iris.data, iris.target, test_size=0.3,
                                                    random_state=42)
clf = RandomForestClassifier(random_state=42).fit(X_train, y_train)
joblib.dump(clf, models / "random_forest.pkl")
onnx_model = convert_sklearn(clf, initial_types=[("float_input", FloatTensorType([None, 4]))],
                             target_opset={"": 18, "ai.onnx.ml": 3})
(models / "model.onnx").write_bytes(onnx_model.SerializeToString())

data = np.array([[4.5, 4.9, 5.1, 5.4], [4.7, 4.1, 5.1, 5.1], [1.1, 1.1, 1.3, 5.9]])
session = rt.InferenceSession(models / "model.onnx", providers=["CPUExecutionProvider"])
ip = session.get_inputs()[0].name
op = session.get_outputs()[0].name

# %% [markdown]
# **Exercise 01.1.** How many times bigger is `random_forest.pkl` than `model.onnx`?

# %%
answer_1 = (models / "random_forest.pkl").stat().st_size / (models / "model.onnx").stat().st_size

# %%
onnxlearn.exercises.check("01.1", answer_1)

# %% [markdown]
# **Exercise 01.2.** The accuracy of the ONNX model on `X_test`.

# %%
labels = session.run([op], {ip: X_test.astype(np.float32)})[0]
answer_2 = float(np.mean(labels == y_test))

# %%
onnxlearn.exercises.check("01.2", answer_2)

# %% [markdown]
# **Exercise 01.3.** The second output's name, and P(setosa) for the first row of `data`.
# ZipMap turns the probability matrix into one dict per row, keyed by class index.

# %%
probability_name = session.get_outputs()[1].name
first_row = session.run([probability_name], {ip: data.astype(np.float32)})[0][0]
answer_3 = (probability_name, first_row[0])

# %%
onnxlearn.exercises.check("01.3", answer_3)
