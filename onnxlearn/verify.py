"""Parity between a scikit-learn estimator and its ONNX conversion.

A conversion is only useful if the ONNX model computes what the original
did. :func:`verify` runs both on the same rows and reports how far apart they
are: label agreement for classifiers, and the largest absolute and relative
difference of probabilities (classifiers), predictions (regressors) or
transformed values (transformers).

Examples
--------
>>> import onnxlearn
>>> forest = onnxlearn.iris_forest()
>>> split = onnxlearn.load_iris_split()
>>> report = verify(forest.load_estimator(), forest.onnx_path, split.X_test)
>>> report.ok
True
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import numpy as np

from .errors import EstimatorNotFittedError, InputMismatchError


@dataclass(frozen=True)
class ParityReport:
    """How closely an ONNX model reproduces a scikit-learn estimator.

    Attributes
    ----------
    kind : {"classifier", "regressor", "transformer"}
    n_rows : int
        Rows compared.
    label_agreement : float or None
        Fraction of rows with the same predicted label (classifiers only).
    max_abs_diff, max_rel_diff : float
        Largest absolute and relative difference of the compared values
        (probabilities, predictions or transformed features).
    disagreeing_rows : numpy.ndarray
        Indices of rows whose label differs or whose values are out of tolerance.
    atol, rtol : float
        Tolerances used: a value passes when ``|onnx - sklearn| <= atol + rtol * |sklearn|``.
    compared : str
        What was compared, e.g. ``"labels and probabilities"``.
    """

    kind: str
    n_rows: int
    label_agreement: float | None
    max_abs_diff: float
    max_rel_diff: float
    disagreeing_rows: np.ndarray = field(repr=False)
    atol: float
    rtol: float
    compared: str

    @property
    def ok(self) -> bool:
        """True when every row agrees within tolerance."""
        return len(self.disagreeing_rows) == 0

    def _lines(self) -> list:
        verdict = "OK" if self.ok else "MISMATCH"
        lines = [f"ParityReport: {verdict} ({self.kind}, {self.n_rows} rows, "
                 f"compared {self.compared})"]
        if self.label_agreement is not None:
            lines.append(f"  label agreement : {self.label_agreement:.2%}")
        lines.append(f"  max |abs| diff  : {self.max_abs_diff:.2e}")
        lines.append(f"  max rel diff    : {self.max_rel_diff:.2e}")
        lines.append(f"  tolerance       : atol={self.atol:g}, rtol={self.rtol:g}")
        shown = ", ".join(str(i) for i in self.disagreeing_rows[:10])
        hidden = len(self.disagreeing_rows) - 10
        more = f" (+{hidden} more)" if hidden > 0 else ""
        lines.append(f"  disagreeing rows: {shown + more if shown else 'none'}")
        return lines

    def __repr__(self) -> str:
        return "\n".join(self._lines())

    def _repr_html_(self) -> str:
        colour = "#1a7f37" if self.ok else "#cf222e"
        head, *rows = self._lines()
        row_html = "<tr><th style='text-align:left'>{}</th><td style='text-align:left'>{}</td></tr>"
        cells = "".join(row_html.format(*(html.escape(part.strip()) for part in row.split(":", 1)))
                        for row in rows)
        return (f"<div><b style='color:{colour}'>{html.escape(head)}</b>"
                f"<table>{cells}</table></div>")


def _check_fitted(estimator) -> None:
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.validation import check_is_fitted

    try:
        check_is_fitted(estimator)
    except NotFittedError as exc:
        raise EstimatorNotFittedError(
            "the estimator is not fitted", expected="a fitted scikit-learn estimator",
            given=f"an unfitted {type(estimator).__name__}",
            fix="call estimator.fit(X_train, y_train) before verifying or converting") from exc
    except TypeError as exc:
        raise EstimatorNotFittedError(
            "not a scikit-learn estimator", expected="a fitted scikit-learn estimator",
            given=type(estimator).__name__, fix="pass the estimator you converted") from exc


def _as_probability_matrix(value, classes) -> np.ndarray:
    """ZipMap gives a list of {class: probability}; turn it into a matrix."""
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return np.array([[row[c] for c in classes] for row in value], dtype=np.float64)
    return np.asarray(value, dtype=np.float64)


def _differences(expected: np.ndarray, actual: np.ndarray, atol: float, rtol: float):
    expected = np.asarray(expected, dtype=np.float64).reshape(len(expected), -1)
    actual = np.asarray(actual, dtype=np.float64).reshape(len(actual), -1)
    if expected.shape != actual.shape:
        raise InputMismatchError(
            "ONNX output shape differs from scikit-learn's",
            expected=f"shape {expected.shape}", given=f"shape {actual.shape}",
            fix="check that the ONNX model was converted from this estimator")
    abs_diff = np.abs(actual - expected)
    rel_diff = abs_diff / np.maximum(np.abs(expected), np.finfo(np.float64).tiny)
    rel_diff = np.where(abs_diff == 0, 0.0, rel_diff)
    bad_rows = np.flatnonzero((abs_diff > atol + rtol * np.abs(expected)).any(axis=1))
    return float(abs_diff.max(initial=0.0)), float(rel_diff.max(initial=0.0)), bad_rows


def verify(estimator, onnx_model, X, *, atol: float = 1e-5, rtol: float = 1e-4) -> ParityReport:
    """Compare a fitted scikit-learn estimator with its ONNX form on ``X``.

    Parameters
    ----------
    estimator : fitted scikit-learn estimator
        The original model.
    onnx_model : path-like, bytes or onnx.ModelProto
        Its conversion. Its first input receives ``X``.
    X : array-like of shape (n_rows, n_features)
        Rows to compare on; converted to the ONNX input's dtype as
        :func:`onnxlearn.predict` does.
    atol, rtol : float
        Tolerances for probabilities, predictions or transformed values.

    Returns
    -------
    ParityReport
        Its ``ok`` is true when all labels agree and all values are within
        tolerance.

    Raises
    ------
    EstimatorNotFittedError
        If ``estimator`` has not been fitted.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LinearRegression
    >>> from skl2onnx import to_onnx
    >>> X = np.arange(8, dtype=np.float32).reshape(4, 2)
    >>> reg = LinearRegression().fit(X, X.sum(axis=1))
    >>> verify(reg, to_onnx(reg, X, target_opset=18), X).ok
    True
    """
    from sklearn.base import is_classifier, is_regressor

    from .runtime import run

    _check_fitted(estimator)
    X = np.asarray(X)
    outputs = list(run(onnx_model, X).values())

    if is_classifier(estimator):
        expected_labels = estimator.predict(X)
        labels = np.asarray(outputs[0]).reshape(-1)
        label_bad = np.flatnonzero(labels != expected_labels)
        agreement = 1.0 - len(label_bad) / len(X)
        if len(outputs) > 1 and hasattr(estimator, "predict_proba"):
            probabilities = _as_probability_matrix(outputs[1], estimator.classes_)
            max_abs, max_rel, value_bad = _differences(
                estimator.predict_proba(X), probabilities, atol, rtol)
            compared = "labels and probabilities"
        else:
            max_abs, max_rel, value_bad = 0.0, 0.0, np.array([], dtype=int)
            compared = "labels"
        bad = np.union1d(label_bad, value_bad).astype(int)
        return ParityReport("classifier", len(X), agreement, max_abs, max_rel, bad,
                            atol, rtol, compared)

    if is_regressor(estimator):
        kind, expected, compared = "regressor", estimator.predict(X), "predictions"
    elif hasattr(estimator, "transform"):
        kind, expected, compared = "transformer", estimator.transform(X), "transformed values"
    else:
        kind, expected, compared = "estimator", estimator.predict(X), "predictions"
    if hasattr(expected, "toarray"):  # sparse output of a transformer
        expected = expected.toarray()
    max_abs, max_rel, bad = _differences(expected, outputs[0], atol, rtol)
    return ParityReport(kind, len(X), None, max_abs, max_rel, bad.astype(int),
                        atol, rtol, compared)
