"""onnxlearn.runtime: checked inputs, clear errors, and a session cache that sees file changes."""

import os
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from onnx import TensorProto, helper
from tiny_models import add_model, make_model

from onnxlearn import input_specs, predict, run, runtime, session
from onnxlearn.errors import InputMismatchError, ModelLoadError, ModelNotFoundError

X3 = np.array([[1.5, -2.0, 3.25], [0.0, 4.0, -1.0]], dtype=np.float32)


# --------------------------------------------------------------------------- happy paths

def test_predict_returns_the_first_output(add_onnx):
    result = predict(add_onnx, X3)
    assert result.dtype == np.float32
    np.testing.assert_array_equal(result, X3 + 1)


@pytest.mark.parametrize("output, expected", [(0, X3 + 1), (1, -X3), (-1, -X3),
                                              ("y", X3 + 1), ("z", -X3)])
def test_predict_picks_an_output_by_index_or_name(add_onnx, output, expected):
    np.testing.assert_array_equal(predict(add_onnx, X3, output=output), expected)


def test_run_returns_every_output_by_name_in_graph_order(add_onnx):
    result = run(add_onnx, X3)
    assert list(result) == ["y", "z"]
    np.testing.assert_array_equal(result["y"], X3 + 1)
    np.testing.assert_array_equal(result["z"], -X3)


def test_a_single_input_can_also_be_given_by_name(add_onnx):
    np.testing.assert_array_equal(predict(add_onnx, {"x": X3}), X3 + 1)


def test_model_as_path_bytes_or_modelproto_gives_the_same_answer(add_onnx, add_path):
    answers = [predict(m, X3) for m in (add_onnx, add_onnx.SerializeToString(),
                                        add_path, str(add_path))]
    for answer in answers[1:]:
        np.testing.assert_array_equal(answer, answers[0])


def test_real_course_model_predicts_iris_labels(iris_forest, iris_split):
    labels = predict(iris_forest.onnx_path, iris_split.X_test)
    estimator = iris_forest.load_estimator()
    np.testing.assert_array_equal(labels, estimator.predict(iris_split.X_test))


# --------------------------------------------------------------------------- dtype policy

def test_float64_is_accepted_and_converted_to_float32_by_default(add_onnx):
    x64 = np.array([[0.1, 0.2, 0.3]])
    result = predict(add_onnx, x64)
    assert result.dtype == np.float32
    np.testing.assert_array_equal(result, x64.astype(np.float32) + np.float32(1))
    np.testing.assert_array_equal(run(add_onnx, x64)["y"], result)


def test_python_lists_and_integers_are_accepted_for_a_float_input(add_onnx):
    np.testing.assert_array_equal(predict(add_onnx, [[1, 2, 3]]), [[2, 3, 4]])
    np.testing.assert_array_equal(predict(add_onnx, np.array([[1, 2, 3]], dtype=np.int64)),
                                  [[2, 3, 4]])


@pytest.mark.parametrize("cast", ["no", "safe"])
@pytest.mark.parametrize("call", [predict, run])
def test_float64_is_refused_under_a_strict_cast(add_onnx, cast, call):
    with pytest.raises(InputMismatchError) as caught:
        call(add_onnx, np.ones((2, 3)), cast=cast)
    err = caught.value
    assert err.problem == "wrong dtype for input 'x'"
    assert err.expected == "float32 (tensor(float))"
    assert err.given == "dtype float64"
    assert err.fix == "convert first, e.g. X.astype(np.float32)"


def test_strict_cast_accepts_the_exact_dtype(add_onnx):
    np.testing.assert_array_equal(predict(add_onnx, X3, cast="no"), X3 + 1)


@pytest.mark.parametrize("bad", [np.array([[1.5, 2.0]]), np.array([[1.0, 2.0]], np.float32),
                                 np.array([["1", "2"]]), [["a", "b"]]])
def test_floats_or_strings_given_to_an_int_input_are_refused(int_model, bad):
    with pytest.raises(InputMismatchError) as caught:
        predict(int_model, bad)
    err = caught.value
    assert err.problem == "wrong dtype for input 'x'"
    assert err.expected == "int64 (tensor(int64))"
    assert err.given == f"dtype {np.asarray(bad).dtype}"
    assert "astype(np.int64)" in err.fix


def test_smaller_ints_are_widened_for_an_int64_input(int_model):
    result = predict(int_model, np.array([[-3, 4]], dtype=np.int32))
    assert result.dtype == np.int64
    np.testing.assert_array_equal(result, [[3, 4]])


def test_strings_given_to_a_float_input_are_refused(add_onnx):
    with pytest.raises(InputMismatchError) as caught:
        predict(add_onnx, np.array([["1.0", "2.0", "3.0"]]))
    assert caught.value.given == "dtype <U3"
    assert caught.value.expected == "float32 (tensor(float))"


# --------------------------------------------------------------------------- string inputs

@pytest.mark.parametrize("given", [["virginica", "setosa", "rose"],
                                   np.array(["virginica", "setosa", "rose"]),
                                   np.array(["virginica", "setosa", "rose"], dtype=object)])
def test_string_input_model(string_model, given):
    np.testing.assert_array_equal(predict(string_model, given), [2, 0, -1])


@pytest.mark.parametrize("bad, given", [
    ([1, 2], "an element of type int: 1"),
    (np.array(["setosa", 2.5], dtype=object), "an element of type float: 2.5"),
    (np.array([1.0, 2.0]), "dtype float64"),
    (np.array([b"setosa"]), "dtype |S6"),
    (np.array([b"setosa"], dtype=object), "an element of type bytes: b'setosa'"),
])
def test_numbers_and_bytes_given_to_a_string_input_are_refused(string_model, bad, given):
    # onnxruntime itself would turn them into str(value): 1 -> "1", b"x" -> "b'x'"
    with pytest.raises(InputMismatchError) as caught:
        predict(string_model, bad)
    err = caught.value
    assert err.problem == "wrong dtype for input 's'"
    assert err.expected == "str elements (tensor(string))"
    assert err.given == given
    assert "X.astype(str)" in err.fix and "np.char.decode" in err.fix


# --------------------------------------------------------------------------- shapes

def test_wrong_number_of_features(add_onnx):
    with pytest.raises(InputMismatchError) as caught:
        predict(add_onnx, np.ones((2, 4), np.float32))
    err = caught.value
    assert err.problem == "wrong number of features for input 'x'"
    assert err.expected == "shape (?, 3) (3 features)"
    assert err.given == "shape (2, 4) (4 features)"
    assert err.fix == "select the same columns the model was trained on"


def test_wrong_number_of_features_for_the_iris_forest(iris_forest, iris_split):
    with pytest.raises(InputMismatchError) as caught:
        predict(iris_forest.onnx_path, iris_split.X_test[:, :3])
    err = caught.value
    assert err.problem == "wrong number of features for input 'float_input'"
    assert "(4 features)" in err.expected and "(3 features)" in err.given


def test_one_row_without_the_batch_dimension(add_onnx):
    with pytest.raises(InputMismatchError) as caught:
        predict(add_onnx, np.ones(3, np.float32))
    err = caught.value
    assert err.problem == "wrong number of dimensions for input 'x'"
    assert err.expected == "2-D array of shape (?, 3)"
    assert err.given == "1-D array of shape (3,)"
    assert err.fix == "for a single row use X.reshape(1, -1)"


def test_too_many_dimensions(add_onnx):
    with pytest.raises(InputMismatchError) as caught:
        predict(add_onnx, np.ones((1, 2, 3), np.float32))
    assert caught.value.given == "3-D array of shape (1, 2, 3)"
    assert caught.value.fix == "reshape the input to match"


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_a_fixed_first_dimension_is_checked(fixed_batch_model, dtype):
    np.testing.assert_array_equal(predict(fixed_batch_model, -np.ones((1, 4), dtype)),
                                  np.zeros((1, 4)))
    with pytest.raises(InputMismatchError) as caught:
        predict(fixed_batch_model, np.ones((3, 4), dtype))
    err = caught.value
    assert err.problem == "wrong size on axis 0 of input 'x'"
    assert err.expected == "shape (1, 4)"
    assert err.given == "shape (3, 4)"


# --------------------------------------------------------------------------- several inputs

def test_model_with_several_inputs_takes_a_dict(two_input_model):
    a = np.array([[5.0, 1.0]], np.float32)
    b = np.array([[2.0, 3.0]], np.float32)
    np.testing.assert_array_equal(predict(two_input_model, {"b": b, "a": a}), a - b)
    np.testing.assert_array_equal(run(two_input_model, {"a": a, "b": b})["y"], a - b)


def test_model_with_several_inputs_refuses_a_single_array(two_input_model):
    with pytest.raises(InputMismatchError) as caught:
        predict(two_input_model, np.ones((1, 2), np.float32))
    err = caught.value
    assert err.problem == "this model has several inputs"
    assert err.expected == "a dict with keys 'a', 'b'"
    assert err.given == "a single ndarray"
    assert err.fix == "pass {name: array} for every input"


def test_unknown_input_name(two_input_model):
    ones = np.ones((1, 2), np.float32)
    with pytest.raises(InputMismatchError) as caught:
        predict(two_input_model, {"a": ones, "b": ones, "c": ones})
    err = caught.value
    assert err.problem == "unknown input name"
    assert err.expected == "inputs 'a', 'b'"
    assert err.given == "'a', 'b', 'c' (unknown: 'c')"
    assert "input_specs(model)" in err.fix


def test_missing_input_name(two_input_model):
    with pytest.raises(InputMismatchError) as caught:
        run(two_input_model, {"a": np.ones((1, 2), np.float32)})
    err = caught.value
    assert err.problem == "missing or unknown inputs"
    assert err.given == "'a' (missing: 'b')"


def test_misspelt_input_name_is_both_unknown_and_missing(add_onnx):
    with pytest.raises(InputMismatchError) as caught:
        predict(add_onnx, {"X": X3})
    err = caught.value
    assert err.problem == "missing or unknown inputs"
    assert err.expected == "inputs 'x'"
    assert err.given == "'X' (unknown: 'X') (missing: 'x')"


def test_each_input_of_a_dict_is_checked(two_input_model):
    with pytest.raises(InputMismatchError) as caught:
        predict(two_input_model, {"a": np.ones((1, 2), np.float32),
                                  "b": np.ones((1, 5), np.float32)})
    assert caught.value.problem == "wrong number of features for input 'b'"


# --------------------------------------------------------------------------- outputs

@pytest.mark.parametrize("output", [2, -3])
def test_output_index_out_of_range(add_onnx, output):
    with pytest.raises(InputMismatchError) as caught:
        predict(add_onnx, X3, output=output)
    err = caught.value
    assert err.problem == "output index out of range"
    assert err.expected == "0 to 1"
    assert err.given == str(output)
    assert "session.get_outputs()" in err.fix


def test_unknown_output_name(add_onnx):
    with pytest.raises(InputMismatchError) as caught:
        predict(add_onnx, X3, output="probabilities")
    err = caught.value
    assert err.problem == "unknown output name"
    assert err.expected == "one of 'y', 'z'"
    assert err.given == "'probabilities'"


# --------------------------------------------------------------------------- other inputs

def test_non_tensor_inputs_are_passed_to_onnxruntime_as_they_are():
    sequence = helper.make_tensor_sequence_value_info("items", TensorProto.FLOAT, None)
    graph = helper.make_graph(
        [helper.make_node("SequenceLength", ["items"], ["n"])], "seq", [sequence],
        [helper.make_tensor_value_info("n", TensorProto.INT64, [])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    spec = input_specs(model)[0]
    assert spec.dtype is None and spec.type == "seq(tensor(float))"
    items = [np.ones(2, np.float32), np.zeros(3, np.float32), np.ones(1, np.float32)]
    assert int(predict(model, items)) == 3


def test_input_specs_describe_names_dtypes_and_shapes(two_input_model, string_model):
    specs = input_specs(two_input_model)
    assert [s.name for s in specs] == ["a", "b"]
    assert specs[0].dtype == np.float32 and specs[0].type == "tensor(float)"
    assert specs[0].shape == (None, 2)
    assert specs[0].describe_shape() == "(?, 2)"
    (text,) = input_specs(string_model)
    assert text.dtype == np.dtype(object) and text.type == "tensor(string)"


# --------------------------------------------------------------------------- bad models

def test_missing_model_file(tmp_path):
    with pytest.raises(ModelNotFoundError):
        predict(tmp_path / "nope.onnx", X3)


@pytest.mark.parametrize("content", [b"", b"hello, I am a text file\n"])
def test_empty_or_text_file(tmp_path, content):
    path = tmp_path / "model.onnx"
    path.write_bytes(content)
    with pytest.raises(ModelLoadError) as caught:
        predict(path, X3)
    assert str(path) in caught.value.given


def test_directory_instead_of_a_model(tmp_path):
    with pytest.raises(ModelLoadError, match="model path is a folder"):
        predict(tmp_path, X3)


def test_truncated_model_file_gives_a_model_load_error(iris_forest, tmp_path, iris_split):
    blob = iris_forest.onnx_path.read_bytes()
    for fraction in (0.01, 0.5, 0.99):
        path = tmp_path / f"cut_{fraction}.onnx"
        path.write_bytes(blob[:int(len(blob) * fraction)])
        with pytest.raises(ModelLoadError) as caught:
            predict(path, iris_split.X_test)
        assert caught.value.problem == "not an ONNX model"
        assert str(path) in caught.value.given


def test_truncated_model_bytes_give_a_model_load_error(add_onnx):
    blob = add_onnx.SerializeToString()
    with pytest.raises(ModelLoadError, match="not an ONNX model"):
        predict(blob[: len(blob) // 2], X3)


def test_valid_onnx_that_onnxruntime_cannot_run():
    model = make_model([helper.make_node("Relu", ["x"], ["y"])],
                       [("x", TensorProto.FLOAT, [None])], [("y", TensorProto.FLOAT, [None])])
    model.graph.node[0].op_type = "NoSuchOperator"
    with pytest.raises(ModelLoadError) as caught:
        predict(model, np.ones(2, np.float32))
    err = caught.value
    assert err.problem == "onnxruntime cannot load the model"
    assert err.expected == "a model onnxruntime can run"
    assert err.given.startswith("ModelProto: ") and "NoSuchOperator" in err.given
    assert "onnx.checker.check_model" in err.fix


def test_model_of_the_wrong_type():
    with pytest.raises(TypeError, match="model must be a path, bytes or onnx.ModelProto; "
                                        "given int"):
        predict(42, X3)


# --------------------------------------------------------------------------- session cache

def test_session_is_a_cpu_inference_session(add_onnx):
    sess = session(add_onnx)
    assert isinstance(sess, ort.InferenceSession)
    assert sess.get_providers() == ["CPUExecutionProvider"]
    assert sess.get_session_options().intra_op_num_threads == 1


def test_same_model_reuses_the_same_session(add_onnx, add_path, monkeypatch):
    assert session(add_onnx) is session(add_onnx)
    assert session(add_onnx) is session(add_onnx.SerializeToString())
    assert session(add_onnx) is session(add_model())  # equal content, new object
    by_path = session(add_path)
    assert session(str(add_path)) is by_path
    monkeypatch.chdir(add_path.parent)
    assert session(add_path.name) is by_path  # relative path, same file
    assert session(Path(add_path.name)) is by_path


def test_different_models_or_threads_get_different_sessions(add_onnx):
    other = add_model(offset=5.0)
    assert session(add_onnx) is not session(other)
    two_threads = session(add_onnx, threads=2)
    assert two_threads is not session(add_onnx)
    assert two_threads.get_session_options().intra_op_num_threads == 2
    assert session(add_onnx, threads=2) is two_threads


def test_clear_sessions_forgets_them(add_path):
    first = session(add_path)
    runtime.clear_sessions()
    assert session(add_path) is not first


def test_file_rewritten_in_place_gets_a_new_session(add_path):
    first = session(add_path)
    np.testing.assert_array_equal(predict(add_path, X3), X3 + 1)
    inode = os.stat(add_path).st_ino
    with open(add_path, "wb") as handle:
        handle.write(add_model(offset=10.0).SerializeToString())
    assert os.stat(add_path).st_ino == inode  # really the same file
    np.testing.assert_array_equal(predict(add_path, X3), X3 + 10)
    assert session(add_path) is not first


def test_file_replaced_with_os_replace_gets_a_new_session(add_path, tmp_path):
    first = session(str(add_path))
    np.testing.assert_array_equal(predict(str(add_path), X3), X3 + 1)
    staged = tmp_path / "staged.onnx"
    onnx.save(add_model(offset=3.0), staged)  # same size as the original
    os.replace(staged, add_path)
    np.testing.assert_array_equal(predict(str(add_path), X3), X3 + 3)
    assert session(str(add_path)) is not first


def _rewrite_with_open(path, blob):
    with open(path, "wb") as handle:
        handle.write(blob)


def _rewrite_with_write_bytes(path, blob):
    Path(path).write_bytes(blob)


def _rewrite_with_truncate(path, blob):
    os.truncate(path, 0)
    with open(path, "r+b") as handle:
        handle.write(blob)


def _replace(path, blob):
    staged = Path(path).with_name("staged.onnx")
    staged.write_bytes(blob)
    os.replace(staged, path)


def _rename(path, blob):
    staged = Path(path).with_name("staged.onnx")
    staged.write_bytes(blob)
    os.rename(staged, path)


@pytest.mark.parametrize("change", [_rewrite_with_open, _rewrite_with_write_bytes,
                                    _rewrite_with_truncate, _replace, _rename])
@pytest.mark.parametrize("as_given", [str, Path])
def test_changes_made_by_this_process_are_seen_at_once(add_path, monkeypatch, change, as_given,
                                                       tmp_path):
    # No periodic re-check at all: only the notice of this process's own writes is left.
    monkeypatch.setattr(runtime, "RECHECK_SECONDS", 1e9)
    model = as_given(add_path)
    np.testing.assert_array_equal(predict(model, X3), X3 + 1)
    change(add_path, add_model(offset=4.0).SerializeToString())  # same size, same second
    np.testing.assert_array_equal(predict(model, X3), X3 + 4)


def test_changes_seen_through_a_relative_path(add_path, monkeypatch):
    monkeypatch.setattr(runtime, "RECHECK_SECONDS", 1e9)
    monkeypatch.chdir(add_path.parent)
    np.testing.assert_array_equal(predict(add_path.name, X3), X3 + 1)
    onnx.save(add_model(offset=6.0), add_path.name)
    np.testing.assert_array_equal(predict(add_path, X3), X3 + 6)
    np.testing.assert_array_equal(predict(add_path.name, X3), X3 + 6)


def test_deleted_file_gives_model_not_found(add_path, monkeypatch):
    monkeypatch.setattr(runtime, "RECHECK_SECONDS", 1e9)
    np.testing.assert_array_equal(predict(add_path, X3), X3 + 1)
    add_path.unlink()
    with pytest.raises(ModelNotFoundError):
        predict(add_path, X3)
    with pytest.raises(ModelNotFoundError):
        session(str(add_path))


def test_file_replaced_by_garbage_gives_model_load_error(add_path):
    predict(add_path, X3)
    add_path.write_bytes(b"\x00garbage\xff" * 10)
    with pytest.raises(ModelLoadError, match="not an ONNX model"):
        predict(add_path, X3)


# Another process writes the file: no audit hook sees it, the periodic stat does.
_WRITE_STDIN_TO = "import sys; open(sys.argv[1], 'wb').write(sys.stdin.buffer.read())"
_REPLACE = "import os, sys; os.replace(sys.argv[1], sys.argv[2])"
_DELETE = "import os, sys; os.remove(sys.argv[1])"


@pytest.mark.parametrize("how", ["rewrite", "replace", "delete"])
def test_file_changed_by_another_process_is_noticed(add_path, how):
    import subprocess
    import sys
    import time

    np.testing.assert_array_equal(predict(add_path, X3), X3 + 1)
    # Another size, so that the change shows even where file times are coarse.
    blob = add_model(offset=7.0, name="add_seven").SerializeToString()
    if how == "rewrite":
        subprocess.run([sys.executable, "-c", _WRITE_STDIN_TO, add_path], input=blob, check=True)
    elif how == "replace":
        staged = add_path.with_name("staged.onnx")
        subprocess.run([sys.executable, "-c", _WRITE_STDIN_TO, staged], input=blob, check=True)
        subprocess.run([sys.executable, "-c", _REPLACE, staged, add_path], check=True)
    else:
        subprocess.run([sys.executable, "-c", _DELETE, add_path], check=True)
    time.sleep(runtime.RECHECK_SECONDS + 0.05)  # noticed within RECHECK_SECONDS
    if how == "delete":
        with pytest.raises(ModelNotFoundError):
            predict(add_path, X3)
    else:
        np.testing.assert_array_equal(predict(add_path, X3), X3 + 7)


def test_the_oldest_session_is_dropped_beyond_the_limit(monkeypatch, tmp_path):
    monkeypatch.setattr(runtime, "_MAX_SESSIONS", 2)
    paths = []
    for offset in (1.0, 2.0, 3.0):
        paths.append(tmp_path / f"add{offset:g}.onnx")
        onnx.save(add_model(offset=offset), paths[-1])
    sessions = [session(p) for p in paths]
    assert len(runtime._SESSIONS) == 2
    assert session(paths[2]) is sessions[2]
    assert session(paths[0]) is not sessions[0]  # it was dropped, so it is rebuilt


def test_low_precision_input_without_numpy_dtype_gets_a_clear_error():
    ml_dtypes = pytest.importorskip("ml_dtypes")
    from onnx import TensorProto, helper

    graph = helper.make_graph(
        [helper.make_node("Identity", ["x"], ["y"])], "bf16",
        [helper.make_tensor_value_info("x", TensorProto.BFLOAT16, [2])],
        [helper.make_tensor_value_info("y", TensorProto.BFLOAT16, [2])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)])
    with pytest.raises(InputMismatchError) as caught:
        predict(model, np.ones(2, dtype=ml_dtypes.bfloat16))
    message = str(caught.value)
    assert "tensor(bfloat16)" in message and "dtype bfloat16" in message
    assert "Cast" in message
