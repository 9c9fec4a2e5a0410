"""onnxlearn.modelfile: a model given as path, bytes or ModelProto, with clear load errors."""

from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import numpy_helper

from onnxlearn import load_model
from onnxlearn.errors import ModelLoadError, ModelNotFoundError
from onnxlearn.modelfile import (
    check_model_path,
    describe,
    model_bytes,
    parse_model_bytes,
)

FIX = "re-export or re-convert the model, or delete the file so the course rebuilds it"


def test_describe_names_each_kind_of_argument(add_onnx):
    assert describe(b"abcd") == "bytes (4 bytes)"
    assert describe(bytearray(2)) == "bytes (2 bytes)"
    assert describe("m.onnx") == "path 'm.onnx'"
    assert describe(Path("m.onnx")) == "path 'm.onnx'"
    assert describe(add_onnx) == "ModelProto"


# --------------------------------------------------------------------------- paths

def test_missing_file(tmp_path):
    missing = tmp_path / "nope.onnx"
    with pytest.raises(ModelNotFoundError) as caught:
        load_model(missing)
    err = caught.value
    assert err.problem == "model file not found"
    assert err.expected == "an existing .onnx file"
    assert err.given == repr(str(missing))
    assert "check the path" in err.fix and "build the model first" in err.fix
    assert isinstance(err, FileNotFoundError)


def test_folder_instead_of_a_file(tmp_path):
    with pytest.raises(ModelLoadError) as caught:
        load_model(tmp_path)
    err = caught.value
    assert not isinstance(err, ModelNotFoundError)
    assert err.problem == "model path is a folder"
    assert err.given == f"the folder {str(tmp_path)!r}"
    assert "path of the .onnx file inside it" in err.fix


def test_empty_file(tmp_path):
    empty = tmp_path / "empty.onnx"
    empty.write_bytes(b"")
    with pytest.raises(ModelLoadError) as caught:
        load_model(empty)
    err = caught.value
    assert err.problem == "model file is empty"
    assert err.expected == "a serialized ONNX ModelProto"
    assert "(0 bytes)" in err.given and str(empty) in err.given
    assert err.fix == FIX


def test_check_model_path_returns_a_path(add_path):
    assert check_model_path(str(add_path)) == add_path


# --------------------------------------------------------------------------- bytes

@pytest.mark.parametrize("kind", ["text", "random", "another protobuf", "a graph"])
def test_bytes_that_are_not_a_model(tmp_path, add_onnx, kind):
    blob = {
        "text": b"name,sepal_length\nsetosa,5.1\n",
        "random": np.random.default_rng(0).bytes(300),
        "another protobuf": numpy_helper.from_array(np.ones(3, np.float32)).SerializeToString(),
        "a graph": add_onnx.graph.SerializeToString(),
    }[kind]
    path = tmp_path / "model.onnx"
    path.write_bytes(blob)
    for given in (blob, path):
        with pytest.raises(ModelLoadError) as caught:
            load_model(given)
        err = caught.value
        assert err.problem == "not an ONNX model"
        assert "ModelProto" in err.expected
        assert err.fix == FIX
    assert str(path) in err.given


def test_empty_bytes():
    with pytest.raises(ModelLoadError) as caught:
        parse_model_bytes(b"", source="my upload")
    assert caught.value.problem == "model is empty"
    assert caught.value.given == "my upload (0 bytes)"


def _varint(data: bytes, pos: int) -> tuple:
    value = shift = 0
    while True:
        byte = data[pos]
        value |= (byte & 0x7F) << shift
        pos, shift = pos + 1, shift + 7
        if byte < 0x80:
            return value, pos


def top_level_field_ends(data: bytes) -> list:
    """Offsets where each top-level protobuf field of ``data`` ends.

    A file cut exactly there is still valid protobuf, the hardest kind of
    truncation to notice.
    """
    ends, pos = [], 0
    while pos < len(data):
        tag, pos = _varint(data, pos)
        wire_type = tag & 7
        if wire_type == 0:
            _, pos = _varint(data, pos)
        elif wire_type == 2:
            size, pos = _varint(data, pos)
            pos += size
        else:
            pos += {1: 8, 5: 4}[wire_type]
        ends.append(pos)
    return ends


def test_truncated_model_never_loads_at_any_byte(add_onnx):
    blob = add_onnx.SerializeToString()
    for cut in range(1, len(blob)):
        with pytest.raises(ModelLoadError) as caught:
            load_model(blob[:cut])
        assert caught.value.problem in ("not an ONNX model", "incomplete ONNX model")
        assert caught.value.given.startswith("bytes")
        assert caught.value.fix == FIX


def test_model_cut_after_the_graph_is_reported_as_incomplete(add_onnx):
    blob = add_onnx.SerializeToString()
    opset_field_start = top_level_field_ends(blob)[-2]  # opset_import is stored last
    with pytest.raises(ModelLoadError) as caught:
        load_model(blob[:opset_field_start])
    err = caught.value
    assert err.problem == "incomplete ONNX model"
    assert "ai.onnx without importing it" in err.given and "truncated" in err.given


@pytest.mark.parametrize("where", ["field boundaries", "fractions"])
def test_truncated_real_model_file_never_loads(iris_forest, tmp_path, where):
    blob = iris_forest.onnx_path.read_bytes()
    if where == "fractions":
        cuts = [int(len(blob) * f) for f in (0.001, 0.1, 0.5, 0.9, 0.999)]
    else:
        cuts = top_level_field_ends(blob)[:-1]
    assert len(cuts) >= 5
    for cut in cuts:
        path = tmp_path / f"cut_{cut}.onnx"
        path.write_bytes(blob[:cut])
        with pytest.raises(ModelLoadError) as caught:
            load_model(path)
        assert str(path) in caught.value.given


def test_bytes_bytearray_and_modelproto_all_load(add_onnx):
    blob = add_onnx.SerializeToString()
    assert load_model(add_onnx) is add_onnx  # not copied
    assert load_model(blob) == add_onnx
    assert load_model(bytearray(blob)) == add_onnx


def test_path_as_str_or_pathlib(add_path, add_onnx):
    assert load_model(add_path) == add_onnx
    assert load_model(str(add_path)) == add_onnx


def test_wrong_argument_type_says_what_to_pass():
    with pytest.raises(TypeError, match=r"model must be a path, bytes or onnx.ModelProto; "
                                        r"given ndarray\. Fix: pass the .onnx file's path"):
        load_model(np.zeros(3))


def test_external_data_is_loaded_from_next_to_the_file(tmp_path):
    from onnx import TensorProto, helper

    weights = np.arange(2048, dtype=np.float32)
    graph = helper.make_graph(
        [helper.make_node("Add", ["x", "w"], ["y"])], "big",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2048])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2048])],
        initializer=[numpy_helper.from_array(weights, "w")])
    model = helper.make_model(graph)
    onnx.save(model, tmp_path / "big.onnx", save_as_external_data=True,
              location="big.data", size_threshold=0)
    assert (tmp_path / "big.data").stat().st_size == weights.nbytes

    loaded = load_model(tmp_path / "big.onnx")
    np.testing.assert_array_equal(numpy_helper.to_array(loaded.graph.initializer[0]), weights)
    shallow = load_model(tmp_path / "big.onnx", load_external_data=False)
    assert shallow.graph.initializer[0].data_location == TensorProto.EXTERNAL


def test_model_bytes_round_trips_every_kind(add_onnx, add_path):
    blob = add_onnx.SerializeToString()
    assert model_bytes(add_onnx) == blob
    assert model_bytes(blob) == blob
    assert model_bytes(bytearray(blob)) == blob
    assert isinstance(model_bytes(bytearray(blob)), bytes)
    assert onnx.load_from_string(model_bytes(add_path)) == add_onnx


def test_model_bytes_checks_raw_bytes():
    with pytest.raises(ModelLoadError, match="not an ONNX model"):
        model_bytes(b"\x00\x01garbage")
