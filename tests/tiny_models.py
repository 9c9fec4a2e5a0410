"""Tiny ONNX models built by hand with onnx.helper, for tests.

Each is checked with ``onnx.checker`` (full check) when it is made.
"""

from __future__ import annotations

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17


def make_model(nodes, inputs, outputs, *, initializers=(), name="g", ml_opset=None):
    """A ModelProto from nodes and (name, elem_type, shape) input/output triples."""
    graph = helper.make_graph(
        nodes, name,
        [helper.make_tensor_value_info(*spec) for spec in inputs],
        [helper.make_tensor_value_info(*spec) for spec in outputs],
        initializer=list(initializers))
    opsets = [helper.make_opsetid("", OPSET)]
    if ml_opset is not None:
        opsets.append(helper.make_opsetid("ai.onnx.ml", ml_opset))
    model = helper.make_model(graph, opset_imports=opsets)
    model.ir_version = 8  # what onnxruntime of the pinned version reads for sure
    onnx.checker.check_model(model, full_check=True)
    return model


def add_model(offset=1.0, *, name="add"):
    """x: float (?, 3) -> y = x + offset, z = -x (two outputs)."""
    constant = numpy_helper.from_array(np.full(3, offset, dtype=np.float32), "offset")
    return make_model(
        [helper.make_node("Add", ["x", "offset"], ["y"]), helper.make_node("Neg", ["x"], ["z"])],
        [("x", TensorProto.FLOAT, [None, 3])],
        [("y", TensorProto.FLOAT, [None, 3]), ("z", TensorProto.FLOAT, [None, 3])],
        initializers=[constant], name=name)
