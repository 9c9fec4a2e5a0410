"""How long does onnxlearn.draw take on a 2,000-node graph?

Target (issue 3): drawing stays usable on big graphs. By default draw keeps
the first 300 operator nodes and notes the rest; max_nodes=None draws all
2,000. Both are timed, each including the PNG rendering a notebook does.

Run:  .venv/bin/python benchmarks/draw_2000_nodes.py
"""

import time

import numpy as np
from onnx import TensorProto, helper, numpy_helper

import onnxlearn


def big_model(blocks: int = 400) -> "onnx.ModelProto":  # noqa: F821
    """``blocks`` residual blocks of 5 nodes each: MatMul, Add, Relu, Mul, Add (skip)."""
    nodes, weights, x = [], [], "x"
    for b in range(blocks):
        weights.append(numpy_helper.from_array(np.eye(8, dtype=np.float32), f"w{b}"))
        nodes += [helper.make_node("MatMul", [x, f"w{b}"], [f"m{b}"], name=f"matmul{b}"),
                  helper.make_node("Add", [f"m{b}", x], [f"a{b}"], name=f"add{b}"),
                  helper.make_node("Relu", [f"a{b}"], [f"r{b}"], name=f"relu{b}"),
                  helper.make_node("Mul", [f"r{b}", f"r{b}"], [f"s{b}"], name=f"mul{b}"),
                  helper.make_node("Add", [f"s{b}", x], [f"o{b}"], name=f"skip{b}")]
        x = f"o{b}"
    graph = helper.make_graph(
        nodes, "big", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 8])],
        [helper.make_tensor_value_info(x, TensorProto.FLOAT, ["N", 8])], weights)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)])


def timed(label: str, **options) -> None:
    model = big_model()
    start = time.perf_counter()
    drawing = onnxlearn.draw(model, **options)
    drawn = time.perf_counter()
    png = drawing.to_bytes("png")
    rendered = time.perf_counter()
    print(f"{label:<28} draw {drawn - start:5.2f} s + PNG {rendered - drawn:5.2f} s "
          f"= {rendered - start:5.2f} s  ({len(png) / 1024:.0f} KiB, "
          f"{drawing.operator_count} nodes; notes: {len(drawing.notes)})")


if __name__ == "__main__":
    timed("default (max_nodes=300)")
    timed("all nodes (max_nodes=None)", max_nodes=None)
