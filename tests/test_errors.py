"""onnxlearn.errors: one hierarchy; messages say expected, given and fix."""

import pickle

import pytest

from onnxlearn.errors import (
    CacheNotWritableError,
    EstimatorNotFittedError,
    InputMismatchError,
    MissingDependencyError,
    ModelLoadError,
    ModelNotFoundError,
    OnnxLearnError,
    require,
)


def test_message_has_problem_expected_given_and_fix():
    err = OnnxLearnError("bad thing", expected="A", given="B", fix="do C.")
    assert str(err) == "bad thing: expected A, given B. Fix: do C."
    assert (err.problem, err.expected, err.given, err.fix) == ("bad thing", "A", "B", "do C.")


@pytest.mark.parametrize("parts, text", [
    ({}, "bad thing"),
    ({"expected": "A"}, "bad thing: expected A"),
    ({"given": "B"}, "bad thing: given B"),
    ({"fix": "do C"}, "bad thing. Fix: do C."),
])
def test_message_leaves_out_missing_parts(parts, text):
    assert str(OnnxLearnError("bad thing", **parts)) == text


@pytest.mark.parametrize("cls, builtin", [
    (ModelLoadError, ValueError),
    (ModelNotFoundError, FileNotFoundError),
    (ModelNotFoundError, ModelLoadError),
    (InputMismatchError, ValueError),
    (EstimatorNotFittedError, ValueError),
    (CacheNotWritableError, PermissionError),
    (MissingDependencyError, ImportError),
])
def test_each_error_is_also_the_closest_builtin(cls, builtin):
    assert issubclass(cls, OnnxLearnError)
    assert issubclass(cls, builtin)
    with pytest.raises(builtin):
        raise cls("problem", expected="x", given="y", fix="z")


@pytest.mark.parametrize("cls", [ModelLoadError, ModelNotFoundError, InputMismatchError,
                                 EstimatorNotFittedError, CacheNotWritableError,
                                 MissingDependencyError])
def test_errors_survive_pickling(cls):
    # Errors cross process boundaries (multiprocessing, Dask workers).
    err = cls("problem", expected="x", given="y", fix="z")
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is cls
    assert str(back) == str(err)
    assert (back.problem, back.expected, back.given, back.fix) == ("problem", "x", "y", "z")


def test_require_returns_the_module():
    import json

    assert require("json", feature="reading JSON") is json


def test_require_names_the_feature_the_package_and_the_extra():
    with pytest.raises(MissingDependencyError) as caught:
        require("onnxlearn_no_such_module", feature="the PyTorch chapter", extra="torch")
    err = caught.value
    assert "the PyTorch chapter needs the package 'onnxlearn_no_such_module'" in str(err)
    assert err.expected == "'onnxlearn_no_such_module' importable"
    assert "No module named 'onnxlearn_no_such_module'" in err.given
    assert err.fix == "pip install 'onnxlearn[torch]' -c constraints.txt"
    assert isinstance(err.__cause__, ImportError)


def test_require_without_extra_suggests_pip_install():
    with pytest.raises(MissingDependencyError) as caught:
        require("onnxlearn_no_such_module", feature="drawing")
    assert caught.value.fix == "pip install onnxlearn_no_such_module"

