"""How much does onnxlearn.predict cost over a bare InferenceSession.run?

Target (issue 2): at batch size 1, predict adds at most 10 % to the time of
``session.run`` on the same session. Each pair is timed side by side,
interleaved round by round (see onnxlearn.bench), on the course's Iris
forest, and the ratio of medians is printed.

What predict does per call, on top of running the model: one dictionary
lookup for the cached session, a freshness test of the model file (an audit
hook sees this process's writes at once; the file is stat-ed at most every
RECHECK_SECONDS for other processes' writes), and the input checks (names,
dtype, rank, fixed dimensions). It then calls onnxruntime's compiled run
directly, skipping the Python wrapper's own (weaker) validation, which is
where it wins back the cost of its checks.

Run:  .venv/bin/python benchmarks/predict_overhead.py
"""

import numpy as np

import onnxlearn
from onnxlearn.bench import compare


def main() -> None:
    forest = onnxlearn.iris_forest()
    path = forest.onnx_path
    session = onnxlearn.session(path)  # the very session predict uses
    row32 = onnxlearn.load_iris_split().X_test[:1].astype(np.float32)
    row64 = row32.astype(np.float64)
    name = session.get_inputs()[0].name
    label = session.get_outputs()[0].name

    result = compare({
        "session.run(float32)": lambda: session.run([label], {name: row32}),
        "predict(path, float32)": lambda: onnxlearn.predict(path, row32),
        "session.run(float64.astype)":
            lambda: session.run([label], {name: row64.astype(np.float32)}),
        "predict(path, float64)": lambda: onnxlearn.predict(path, row64),
    }, rounds=41, round_time=0.05)
    print(result)
    print()
    for candidate, baseline in [("predict(path, float32)", "session.run(float32)"),
                                ("predict(path, float64)", "session.run(float64.astype)")]:
        overhead = result.ratio(candidate, baseline) - 1
        verdict = "meets" if overhead <= 0.10 else "MISSES"
        print(f"overhead of {candidate} over {baseline}: {overhead:+.1%} "
              f"({verdict} the <= +10% target)")


if __name__ == "__main__":
    main()
