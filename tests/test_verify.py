"""onnxlearn.verify: parity reports between scikit-learn estimators and their ONNX form."""

import numpy as np
import pytest
from skl2onnx import to_onnx
from sklearn.decomposition import PCA
from sklearn.ensemble import IsolationForest
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.svm import LinearSVC

from onnxlearn import ParityReport, predict, verify
from onnxlearn.errors import EstimatorNotFittedError, InputMismatchError
from onnxlearn.zoo import TARGET_OPSET


def convert(estimator, X, **options):
    return to_onnx(estimator, X[:1].astype(np.float32), target_opset=TARGET_OPSET,
                   options={id(estimator): options} if options else None)


@pytest.fixture(scope="module")
def iris_logreg(iris_split):
    return LogisticRegression(max_iter=500).fit(iris_split.X_train, iris_split.y_train)


@pytest.fixture(scope="module")
def regression_data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3))
    X[::3, 0] = 0.0  # rows where feature 0 is zero, for the deliberately wrong model
    y = X @ np.array([2.0, -1.0, 0.5]) + 3.0
    return X, y


# --------------------------------------------------------------------------- agreement

def test_course_forest_agrees_with_its_conversion(iris_forest, iris_split):
    report = verify(iris_forest.load_estimator(), iris_forest.onnx_path, iris_split.X_test)
    assert report.ok
    assert report.kind == "classifier"
    assert report.n_rows == len(iris_split.X_test)
    assert report.label_agreement == 1.0
    assert report.compared == "labels and probabilities"
    assert report.max_abs_diff <= report.atol + report.rtol
    assert len(report.disagreeing_rows) == 0


@pytest.mark.parametrize("zipmap", [True, False])
def test_classifier_with_and_without_zipmap(iris_logreg, iris_split, zipmap):
    onnx_model = convert(iris_logreg, iris_split.X_train, zipmap=zipmap)
    probabilities = predict(onnx_model, iris_split.X_test, output=1)
    assert isinstance(probabilities, list) == zipmap  # ZipMap gives a list of dicts
    report = verify(iris_logreg, onnx_model, iris_split.X_test)
    assert report.ok, report
    assert report.compared == "labels and probabilities"
    assert report.label_agreement == 1.0
    assert 0 <= report.max_rel_diff and report.max_abs_diff < 1e-5


def test_classifier_without_probabilities_compares_labels_only(iris_split):
    svm = LinearSVC(random_state=0).fit(iris_split.X_train, iris_split.y_train)
    report = verify(svm, convert(svm, iris_split.X_train), iris_split.X_test)
    assert report.ok
    assert report.compared == "labels"
    assert (report.max_abs_diff, report.max_rel_diff) == (0.0, 0.0)


def test_regressor(regression_data):
    X, y = regression_data
    regressor = LinearRegression().fit(X, y)
    report = verify(regressor, convert(regressor, X), X)
    assert report.ok
    assert report.kind == "regressor"
    assert report.compared == "predictions"
    assert report.label_agreement is None
    assert report.n_rows == len(X)


def test_transformer(iris_split):
    scaler = StandardScaler().fit(iris_split.X_train)
    report = verify(scaler, convert(scaler, iris_split.X_train), iris_split.X_test)
    assert report.ok
    assert report.kind == "transformer"
    assert report.compared == "transformed values"


def test_transformer_with_sparse_output():
    X = np.array([[0], [1], [2], [1]], dtype=np.int64)
    encoder = OneHotEncoder(sparse_output=True).fit(X)
    onnx_model = to_onnx(encoder, X, target_opset=TARGET_OPSET)
    report = verify(encoder, onnx_model, X)
    assert report.ok
    assert report.kind == "transformer"


def test_estimator_that_is_neither_classifier_regressor_nor_transformer(iris_split):
    detector = IsolationForest(n_estimators=10, random_state=0).fit(iris_split.X_train)
    onnx_model = to_onnx(detector, iris_split.X_train[:1].astype(np.float32),
                         target_opset={"": TARGET_OPSET, "ai.onnx.ml": 3})
    report = verify(detector, onnx_model, iris_split.X_test)
    assert report.kind == "estimator"
    assert report.compared == "predictions"
    assert report.ok


# --------------------------------------------------------------------------- mismatch

def test_wrong_regressor_lists_exactly_the_disagreeing_rows(regression_data):
    X, y = regression_data
    regressor = LinearRegression().fit(X, y)
    # "wrong" differs only in the coefficient of feature 0: rows where it is 0 agree
    wrong = LinearRegression().fit(X, y + 5.0 * X[:, 0])
    report = verify(regressor, convert(wrong, X), X)
    assert not report.ok
    np.testing.assert_array_equal(report.disagreeing_rows, np.flatnonzero(X[:, 0] != 0))
    expected_max = np.abs(wrong.predict(X) - regressor.predict(X)).max()
    assert report.max_abs_diff == pytest.approx(expected_max, rel=1e-5)
    assert "MISMATCH" in repr(report)


def test_wrong_classifier_is_caught(iris_logreg, iris_split):
    X = iris_split.X_test
    wrong = LogisticRegression(max_iter=500).fit(iris_split.X_train, (iris_split.y_train + 1) % 3)
    onnx_model = convert(wrong, iris_split.X_train, zipmap=False)
    report = verify(iris_logreg, onnx_model, X)
    assert not report.ok

    onnx_labels = predict(onnx_model, X)
    label_bad = np.flatnonzero(onnx_labels != iris_logreg.predict(X))
    assert len(label_bad) > 0
    assert report.label_agreement == pytest.approx(1 - len(label_bad) / len(X))
    assert set(label_bad) <= set(report.disagreeing_rows)
    # every row not listed is within tolerance
    probabilities = predict(onnx_model, X, output=1)
    diff = np.abs(probabilities - iris_logreg.predict_proba(X))
    fine = np.setdiff1d(np.arange(len(X)), report.disagreeing_rows)
    assert (diff[fine] <= report.atol + report.rtol * iris_logreg.predict_proba(X)[fine]).all()


def test_output_of_another_shape_is_an_input_mismatch(iris_split):
    scaler = StandardScaler().fit(iris_split.X_train)
    pca = PCA(n_components=2).fit(iris_split.X_train)
    with pytest.raises(InputMismatchError) as caught:
        verify(scaler, convert(pca, iris_split.X_train), iris_split.X_test)
    err = caught.value
    assert err.problem == "ONNX output shape differs from scikit-learn's"
    assert err.expected == f"shape ({len(iris_split.X_test)}, 4)"
    assert err.given == f"shape ({len(iris_split.X_test)}, 2)"
    assert "converted from this estimator" in err.fix


def test_wrong_number_of_features_is_an_input_mismatch(iris_logreg, iris_split):
    with pytest.raises(InputMismatchError, match="wrong number of features"):
        verify(iris_logreg, convert(iris_logreg, iris_split.X_train), iris_split.X_test[:, :3])


# --------------------------------------------------------------------------- bad estimators

def test_unfitted_estimator(iris_logreg, iris_split):
    onnx_model = convert(iris_logreg, iris_split.X_train)
    with pytest.raises(EstimatorNotFittedError) as caught:
        verify(LogisticRegression(), onnx_model, iris_split.X_test)
    err = caught.value
    assert err.problem == "the estimator is not fitted"
    assert err.expected == "a fitted scikit-learn estimator"
    assert err.given == "an unfitted LogisticRegression"
    assert "estimator.fit(X_train, y_train)" in err.fix


def test_something_that_is_not_an_estimator(iris_logreg, iris_split):
    onnx_model = convert(iris_logreg, iris_split.X_train)
    with pytest.raises(EstimatorNotFittedError) as caught:
        verify(onnx_model, onnx_model, iris_split.X_test)
    assert caught.value.problem == "not a scikit-learn estimator"
    assert caught.value.given == "ModelProto"


# --------------------------------------------------------------------------- the report

def make_report(bad_rows, kind="classifier", agreement=0.9):
    return ParityReport(kind, 50, agreement if kind == "classifier" else None, 0.25, 0.5,
                        np.array(bad_rows, dtype=int), 1e-5, 1e-4, "labels and probabilities")


def test_report_text_when_ok():
    text = repr(make_report([], agreement=1.0))
    lines = text.splitlines()
    assert lines[0] == ("ParityReport: OK (classifier, 50 rows, compared labels and "
                        "probabilities)")
    assert "  label agreement : 100.00%" in lines
    assert "  max |abs| diff  : 2.50e-01" in lines
    assert "  max rel diff    : 5.00e-01" in lines
    assert "  tolerance       : atol=1e-05, rtol=0.0001" in lines
    assert lines[-1] == "  disagreeing rows: none"


def test_report_text_lists_disagreeing_rows():
    report = make_report([3, 7])
    assert not report.ok
    assert repr(report).splitlines()[0].startswith("ParityReport: MISMATCH")
    assert repr(report).splitlines()[-1] == "  disagreeing rows: 3, 7"


def test_report_text_shortens_a_long_list_of_rows():
    report = make_report(list(range(25)))
    assert repr(report).splitlines()[-1] == ("  disagreeing rows: 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 "
                                             "(+15 more)")


def test_regressor_report_has_no_label_line():
    assert "label agreement" not in repr(make_report([], kind="regressor"))


def test_report_html():
    ok_html = make_report([])._repr_html_()
    assert ok_html.startswith("<div><b style='color:#1a7f37'>ParityReport: OK (classifier")
    assert "<tr><th style='text-align:left'>disagreeing rows</th>" \
           "<td style='text-align:left'>none</td></tr>" in ok_html
    bad_html = make_report([4])._repr_html_()
    assert "color:#cf222e" in bad_html and "MISMATCH" in bad_html
    assert "<td style='text-align:left'>4</td>" in bad_html
    assert bad_html.count("<tr>") == len(repr(make_report([4])).splitlines()) - 1


def test_report_html_escapes_text():
    report = ParityReport("<script>", 1, None, 0.0, 0.0, np.array([], dtype=int), 0.0, 0.0,
                          "a & b")
    html = report._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html and "a &amp; b" in html


def test_missing_onnx_file(iris_logreg, iris_split, tmp_path):
    from onnxlearn.errors import ModelNotFoundError

    with pytest.raises(ModelNotFoundError):
        verify(iris_logreg, tmp_path / "never_converted.onnx", iris_split.X_test)
