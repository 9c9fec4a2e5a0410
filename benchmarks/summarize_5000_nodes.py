"""How long does onnxlearn.summarize take on a 5,000-node model?

Target (issue 4): at most 1 s. The model is a deep stack of 1,250 blocks
(MatMul, Add, Relu, Identity) with a 64x64 float weight and a bias per block,
saved once with its weights inline and once with them as external data, so
that the figure covers the checker, the op histogram and the initializer
accounting. Each case is timed a few times and the median printed.

Run:  .venv/bin/python benchmarks/summarize_5000_nodes.py
"""

import tempfile
import time
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

import onnxlearn

BLOCKS = 1_250  # four nodes each
WIDTH = 64


def deep_model() -> onnx.ModelProto:
    rng = np.random.default_rng(0)
    nodes, weights = [], []
    previous = "x"
    for i in range(BLOCKS):
        weights.append(numpy_helper.from_array(
            rng.standard_normal((WIDTH, WIDTH)).astype(np.float32), f"W{i}"))
        weights.append(numpy_helper.from_array(np.zeros(WIDTH, np.float32), f"b{i}"))
        nodes += [
            helper.make_node("MatMul", [previous, f"W{i}"], [f"mm{i}"]),
            helper.make_node("Add", [f"mm{i}", f"b{i}"], [f"add{i}"]),
            helper.make_node("Relu", [f"add{i}"], [f"relu{i}"]),
            helper.make_node("Identity", [f"relu{i}"], [f"out{i}"]),
        ]
        previous = f"out{i}"
    graph = helper.make_graph(
        nodes, "deep", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", WIDTH])],
        [helper.make_tensor_value_info(previous, TensorProto.FLOAT, ["N", WIDTH])], weights)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)])


def median_seconds(fn, repeats: int = 5) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def main() -> None:
    model = deep_model()
    with tempfile.TemporaryDirectory() as folder:
        inline = Path(folder) / "deep.onnx"
        onnx.save_model(model, inline)
        external = Path(folder) / "external" / "deep.onnx"
        external.parent.mkdir()
        onnx.save_model(model, external, save_as_external_data=True,
                        location="deep.weights", size_threshold=0)
        summary = onnxlearn.summarize(inline)
        print(f"model: {summary.node_counts['total']:,} nodes, "
              f"{summary.initializers.count:,} initializers, "
              f"{summary.size_bytes / 1e6:.1f} MB; checker: {summary.checker}")
        cases = {
            "summarize(path)": lambda: onnxlearn.summarize(inline),
            "summarize(ModelProto)": lambda: onnxlearn.summarize(model),
            "summarize(path with external data)": lambda: onnxlearn.summarize(external),
        }
        for name, fn in cases.items():
            seconds = median_seconds(fn)
            verdict = "OK" if seconds <= 1.0 else "TOO SLOW"
            print(f"{name:<36} median {seconds * 1000:7.1f} ms  (target <= 1000 ms: {verdict})")


if __name__ == "__main__":
    main()
