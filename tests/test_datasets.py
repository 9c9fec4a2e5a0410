"""onnxlearn.datasets: fixed, offline train/test splits."""

import numpy as np
import pytest

from onnxlearn import load_digits_split, load_iris_split
from onnxlearn.datasets import RANDOM_STATE, Split


@pytest.mark.parametrize("loader, name, n_rows, n_features, n_classes, test_size", [
    (load_iris_split, "iris", 150, 4, 3, 0.3),
    (load_digits_split, "digits", 1797, 64, 10, 0.25),
])
def test_split_shapes_and_names(loader, name, n_rows, n_features, n_classes, test_size):
    split = loader()
    assert isinstance(split, Split)
    assert split.name == name
    n_test = int(np.ceil(n_rows * test_size))
    assert split.X_train.shape == (n_rows - n_test, n_features)
    assert split.X_test.shape == (n_test, n_features)
    assert split.y_train.shape == (n_rows - n_test,)
    assert split.y_test.shape == (n_test,)
    assert split.n_features == n_features
    assert len(split.feature_names) == n_features
    assert all(isinstance(n, str) for n in split.feature_names + split.target_names)
    assert len(split.target_names) == n_classes
    assert set(np.unique(np.concatenate([split.y_train, split.y_test]))) == set(range(n_classes))
    assert split.X_train.dtype == np.float64
    assert split.y_train.dtype.kind == "i"
    assert repr(split) == (f"Split({name!r}: {n_rows - n_test} train / {n_test} test rows, "
                           f"{n_features} features, {n_classes} classes)")


@pytest.mark.parametrize("loader", [load_iris_split, load_digits_split])
def test_splits_are_deterministic(loader):
    first, second = loader(), loader()
    for part in ("X_train", "X_test", "y_train", "y_test"):
        np.testing.assert_array_equal(getattr(first, part), getattr(second, part))


def test_iris_split_is_the_reference_demos_split():
    from sklearn.datasets import load_iris
    from sklearn.model_selection import train_test_split

    iris = load_iris()
    X_train, X_test, y_train, y_test = train_test_split(
        iris.data, iris.target, test_size=0.3, random_state=42)
    split = load_iris_split()
    assert RANDOM_STATE == 42
    np.testing.assert_array_equal(split.X_train, X_train)
    np.testing.assert_array_equal(split.X_test, X_test)
    np.testing.assert_array_equal(split.y_test, y_test)
    assert split.feature_names == list(iris.feature_names)
    assert split.target_names == ["setosa", "versicolor", "virginica"]


def test_train_and_test_rows_together_are_the_whole_data_set():
    from sklearn.datasets import load_digits

    split = load_digits_split()
    together = np.concatenate([split.X_train, split.X_test])
    original = load_digits().data
    key = lambda rows: sorted(map(bytes, rows))  # noqa: E731
    assert key(together) == key(original)
