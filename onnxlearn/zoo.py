"""The course's models, built on demand and cached in ``models/``.

Every chapter that needs a model asks the zoo for it, so each notebook runs
alone from a fresh kernel, in any order. The first call trains and converts
(about a second); later calls reuse the files. A model is rebuilt when its
recipe or the versions of scikit-learn, skl2onnx or onnx change, or when a
cached file cannot be read back.

Examples
--------
>>> forest = iris_forest()
>>> forest.onnx_path.name, forest.pickle_path.name
('iris_forest.onnx', 'iris_forest.pkl')
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from .cache import cached_file, models_dir
from .modelfile import parse_model_bytes

#: Opsets the course converts to, so stored notebook outputs stay stable.
TARGET_OPSET = 18
#: ai.onnx.ml opset that goes with TARGET_OPSET.
TARGET_ML_OPSET = 3


@dataclass(frozen=True)
class CourseModel:
    """A trained scikit-learn model and its ONNX conversion, both on disk.

    Attributes
    ----------
    name : str
        Short name, also the stem of both files.
    onnx_path : pathlib.Path
        The converted model.
    pickle_path : pathlib.Path
        The fitted scikit-learn estimator, saved with joblib.
    """

    name: str
    onnx_path: Path
    pickle_path: Path

    def load_estimator(self):
        """Load the fitted scikit-learn estimator from its pickle."""
        import joblib

        return joblib.load(self.pickle_path)


def _library_versions() -> dict:
    return {pkg: version(pkg) for pkg in ("scikit-learn", "skl2onnx", "onnx", "numpy")}


def _can_unpickle(path: Path) -> bool:
    import joblib

    joblib.load(path)
    return True


def _is_onnx(path: Path) -> bool:
    parse_model_bytes(path.read_bytes(), source=str(path))
    return True


def _cached_sklearn_model(name: str, recipe_version: int, train, n_features: int,
                          options=None) -> CourseModel:
    import joblib

    folder = models_dir()
    fingerprint = {"recipe": f"{name}/{recipe_version}", **_library_versions()}
    pickle_path = cached_file(folder / f"{name}.pkl",
                              lambda tmp: joblib.dump(train(), tmp),
                              fingerprint=fingerprint, is_valid=_can_unpickle)
    pickle_digest = hashlib.sha1(pickle_path.read_bytes()).hexdigest()

    def convert(tmp: Path) -> None:
        from skl2onnx import convert_sklearn
        from skl2onnx.common.data_types import FloatTensorType

        onnx_model = convert_sklearn(
            joblib.load(pickle_path), name=name,
            initial_types=[("float_input", FloatTensorType([None, n_features]))],
            options=options,
            target_opset={"": TARGET_OPSET, "ai.onnx.ml": TARGET_ML_OPSET})
        tmp.write_bytes(onnx_model.SerializeToString())

    onnx_path = cached_file(folder / f"{name}.onnx", convert,
                            fingerprint={**fingerprint, "pickle_sha1": pickle_digest},
                            is_valid=_is_onnx)
    return CourseModel(name, onnx_path, pickle_path)


def iris_forest() -> CourseModel:
    """The reference demo's model: a random forest on Iris.

    ``RandomForestClassifier(random_state=42)`` (100 trees) trained on
    :func:`onnxlearn.datasets.load_iris_split`, converted by skl2onnx with
    one input ``float_input`` of type ``FloatTensorType([None, 4])``.

    Returns
    -------
    CourseModel

    Examples
    --------
    >>> import onnxlearn
    >>> forest = iris_forest()
    >>> onnxlearn.predict(forest.onnx_path, [[5.1, 3.5, 1.4, 0.2]])
    array([0]...)
    """
    def train():
        from sklearn.ensemble import RandomForestClassifier

        from .datasets import load_iris_split

        split = load_iris_split()
        return RandomForestClassifier(random_state=42).fit(split.X_train, split.y_train)

    return _cached_sklearn_model("iris_forest", 1, train,
                                 n_features=4)


def digits_mlp() -> CourseModel:
    """A 512-256 multilayer perceptron on the digits data set.

    ``MinMaxScaler`` then ``MLPClassifier(hidden_layer_sizes=(512, 256),
    max_iter=30, random_state=0)``, trained on
    :func:`onnxlearn.datasets.load_digits_split` (about 98 % test accuracy),
    converted with one input ``float_input`` of type ``FloatTensorType([None, 64])``
    and without ZipMap, so both outputs are plain tensors: ``label`` and
    ``probabilities``. Its weights are big enough to show what quantization does.

    Returns
    -------
    CourseModel

    Examples
    --------
    >>> mlp = digits_mlp()
    >>> mlp.onnx_path.name
    'digits_mlp.onnx'
    """
    def train():
        import warnings

        from sklearn.exceptions import ConvergenceWarning
        from sklearn.neural_network import MLPClassifier
        from sklearn.pipeline import Pipeline
        from sklearn.preprocessing import MinMaxScaler

        from .datasets import load_digits_split

        split = load_digits_split()
        model = Pipeline([("scale", MinMaxScaler()),
                          ("mlp", MLPClassifier(hidden_layer_sizes=(512, 256), max_iter=30,
                                                random_state=0))])
        with warnings.catch_warnings():  # 30 epochs is on purpose: fast, and 98 % accurate
            warnings.simplefilter("ignore", ConvergenceWarning)
            return model.fit(split.X_train, split.y_train)

    return _cached_sklearn_model("digits_mlp", 1, train,
                                 n_features=64, options={"zipmap": False})
