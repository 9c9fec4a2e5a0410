"""The course's data sets, with fixed train/test splits, offline.

Both come from the copies bundled with scikit-learn, so nothing is downloaded.
The Iris split is the one from the course's reference demo
(``test_size=0.3, random_state=42``).

Examples
--------
>>> split = load_iris_split()
>>> split.X_train.shape, split.X_test.shape
((105, 4), (45, 4))
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

RANDOM_STATE = 42


@dataclass(frozen=True)
class Split:
    """A data set cut into training and test parts.

    Attributes
    ----------
    name : str
        The data set's name.
    X_train, X_test : numpy.ndarray
        Feature matrices, float64 as scikit-learn ships them.
    y_train, y_test : numpy.ndarray
        Integer class labels.
    feature_names, target_names : list of str
        Column and class names.
    """

    name: str
    X_train: np.ndarray = field(repr=False)
    X_test: np.ndarray = field(repr=False)
    y_train: np.ndarray = field(repr=False)
    y_test: np.ndarray = field(repr=False)
    feature_names: list = field(repr=False)
    target_names: list = field(repr=False)

    @property
    def n_features(self) -> int:
        """Number of feature columns."""
        return self.X_train.shape[1]

    def __repr__(self) -> str:
        return (f"Split({self.name!r}: {len(self.X_train)} train / {len(self.X_test)} test rows, "
                f"{self.n_features} features, {len(self.target_names)} classes)")


def _split(name: str, bunch, test_size: float) -> Split:
    from sklearn.model_selection import train_test_split

    X_train, X_test, y_train, y_test = train_test_split(
        bunch.data, bunch.target, test_size=test_size, random_state=RANDOM_STATE)
    return Split(name, X_train, X_test, y_train, y_test,
                 [str(n) for n in bunch.feature_names],
                 [str(n) for n in bunch.target_names])


def load_iris_split() -> Split:
    """Iris flowers: 150 rows, 4 features, 3 classes; 30 % held out for testing.

    Returns
    -------
    Split

    Examples
    --------
    >>> load_iris_split()
    Split('iris': 105 train / 45 test rows, 4 features, 3 classes)
    """
    from sklearn.datasets import load_iris

    return _split("iris", load_iris(), test_size=0.3)


def load_digits_split() -> Split:
    """Handwritten digits: 1,797 8x8 images as 64 features, 10 classes; 25 % held out.

    Returns
    -------
    Split

    Examples
    --------
    >>> load_digits_split()
    Split('digits': 1347 train / 450 test rows, 64 features, 10 classes)
    """
    from sklearn.datasets import load_digits

    return _split("digits", load_digits(), test_size=0.25)
