"""onnxlearn.zoo: the course's Iris forest, built once, cached, rebuilt when damaged or stale."""

import json
import sys

import numpy as np
import onnx
import pytest

import onnxlearn
from onnxlearn import CourseModel, predict


def mtimes(folder):
    return {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}


def test_iris_forest_files_live_in_the_models_folder(iris_forest, session_models_dir):
    assert isinstance(iris_forest, CourseModel)
    assert iris_forest.name == "iris_forest"
    assert iris_forest.onnx_path == session_models_dir.resolve() / "iris_forest.onnx"
    assert iris_forest.pickle_path == session_models_dir.resolve() / "iris_forest.pkl"
    assert iris_forest.onnx_path.with_name("iris_forest.onnx.meta.json").is_file()
    assert not [p for p in session_models_dir.iterdir() if p.name.endswith(".tmp")]


def test_iris_forest_is_the_reference_demos_model(iris_forest, iris_split):
    from sklearn.ensemble import RandomForestClassifier

    estimator = iris_forest.load_estimator()
    assert isinstance(estimator, RandomForestClassifier)
    assert estimator.random_state == 42 and estimator.n_estimators == 100
    assert estimator.n_features_in_ == 4

    model = onnx.load(iris_forest.onnx_path)
    (graph_input,) = model.graph.input
    assert graph_input.name == "float_input"
    dims = graph_input.type.tensor_type.shape.dim
    assert [d.dim_value for d in dims][1:] == [4] and not dims[0].HasField("dim_value")
    assert graph_input.type.tensor_type.elem_type == onnx.TensorProto.FLOAT
    np.testing.assert_array_equal(predict(iris_forest.onnx_path, iris_split.X_test),
                                  estimator.predict(iris_split.X_test))


def test_iris_forest_is_built_once_then_reused(iris_forest):
    before = mtimes(iris_forest.onnx_path.parent)
    again = onnxlearn.iris_forest()
    assert again == iris_forest
    assert mtimes(iris_forest.onnx_path.parent) == before


@pytest.mark.parametrize("damage", ["truncate", "empty", "text", "delete"])
def test_damaged_onnx_file_is_rebuilt(iris_forest_copy, iris_split, damage):
    path = iris_forest_copy / "iris_forest.onnx"
    pickle_before = (iris_forest_copy / "iris_forest.pkl").stat().st_mtime_ns
    if damage == "truncate":
        path.write_bytes(path.read_bytes()[:1000])
    elif damage == "delete":
        path.unlink()
    else:
        path.write_text("" if damage == "empty" else "this is not a model\n")
    forest = onnxlearn.iris_forest()
    assert forest.onnx_path == path.resolve()
    onnx.checker.check_model(onnx.load(path))
    np.testing.assert_array_equal(predict(path, iris_split.X_test),
                                  forest.load_estimator().predict(iris_split.X_test))
    assert (iris_forest_copy / "iris_forest.pkl").stat().st_mtime_ns == pickle_before


def test_damaged_pickle_is_rebuilt(iris_forest_copy, iris_split):
    pickle_path = iris_forest_copy / "iris_forest.pkl"
    pickle_path.write_bytes(pickle_path.read_bytes()[:100])
    forest = onnxlearn.iris_forest()
    estimator = forest.load_estimator()
    np.testing.assert_array_equal(predict(forest.onnx_path, iris_split.X_test),
                                  estimator.predict(iris_split.X_test))


def test_stale_recipe_is_rebuilt(iris_forest_copy):
    meta = iris_forest_copy / "iris_forest.onnx.meta.json"
    fingerprint = json.loads(meta.read_text())
    fingerprint["onnx"] = "0.0.1"  # as if made by another version of onnx
    meta.write_text(json.dumps(fingerprint))
    before = (iris_forest_copy / "iris_forest.onnx").stat().st_mtime_ns
    onnxlearn.iris_forest()
    assert (iris_forest_copy / "iris_forest.onnx").stat().st_mtime_ns != before
    assert json.loads(meta.read_text())["onnx"] == onnx.__version__


def test_fingerprint_records_recipe_and_library_versions(iris_forest):
    from importlib.metadata import version

    meta = json.loads(iris_forest.onnx_path.with_name("iris_forest.onnx.meta.json").read_text())
    assert meta["recipe"] == "iris_forest/1"
    for package in ("scikit-learn", "skl2onnx", "onnx", "numpy"):
        assert meta[package] == version(package)
    assert len(meta["pickle_sha1"]) == 40


_READ_ONLY_ZOO = """
import os, sys
import onnxlearn
from onnxlearn.errors import CacheNotWritableError

os.environ["ONNXLEARN_MODELS_DIR"] = os.path.join(sys.argv[1], "complete")
forest = onnxlearn.iris_forest()
print("complete", forest.onnx_path.read_bytes() == open(sys.argv[2], "rb").read())
os.environ["ONNXLEARN_MODELS_DIR"] = os.path.join(sys.argv[1], "incomplete")
try:
    onnxlearn.iris_forest()
except CacheNotWritableError as exc:
    print("incomplete", exc.fix)
"""


def test_read_only_models_folder(iris_forest, tmp_path, run_read_only):
    import shutil

    shutil.copytree(iris_forest.onnx_path.parent, tmp_path / "complete")
    shutil.copytree(iris_forest.onnx_path.parent, tmp_path / "incomplete")
    (tmp_path / "incomplete" / "iris_forest.onnx").unlink()
    result = run_read_only(tmp_path, [sys.executable, "-c", _READ_ONLY_ZOO, tmp_path,
                                      iris_forest.onnx_path])
    assert result.returncode == 0, result.stderr
    complete, incomplete = result.stdout.splitlines()
    assert complete == "complete True"  # the cached files are used as they are
    assert incomplete.startswith("incomplete make the folder writable")
    assert "ONNXLEARN_MODELS_DIR" in incomplete


def test_target_opsets_are_used_for_conversion(iris_forest):
    from onnxlearn.zoo import TARGET_ML_OPSET, TARGET_OPSET

    imported = {o.domain: o.version for o in onnx.load(iris_forest.onnx_path).opset_import}
    # skl2onnx picks the lowest opset that is enough, never above the target
    assert imported[""] <= TARGET_OPSET
    assert imported["ai.onnx.ml"] <= TARGET_ML_OPSET
