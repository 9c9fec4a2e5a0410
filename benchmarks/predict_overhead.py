"""How much does onnxlearn.predict's checking cost over a bare InferenceSession.run?

Target (issue 2): at batch size 1, predict adds at most 10 % to the time of
``session.run`` on the same session. Both are timed side by side, interleaved
round by round (see onnxlearn.bench), and the ratio of medians is printed.

Run:  .venv/bin/python benchmarks/predict_overhead.py
"""

import numpy as np

import onnxlearn
from onnxlearn.bench import compare


def main() -> None:
    forest = onnxlearn.iris_forest()
    path = str(forest.onnx_path)
    session = onnxlearn.session(path)
    row32 = onnxlearn.load_iris_split().X_test[:1].astype(np.float32)
    row64 = row32.astype(np.float64)
    name = session.get_inputs()[0].name
    label = session.get_outputs()[0].name

    result = compare({
        "session.run": lambda: session.run([label], {name: row32}),
        "predict(path, float32)": lambda: onnxlearn.predict(path, row32),
        "predict(path, float64)": lambda: onnxlearn.predict(path, row64),
    }, rounds=41, round_time=0.05)
    print(result)
    for candidate in result.names[1:]:
        overhead = result.ratio(candidate, "session.run") - 1
        print(f"overhead of {candidate}: {overhead:+.1%} (target <= +10% for float32)")


if __name__ == "__main__":
    main()
