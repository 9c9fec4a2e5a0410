"""Time from onnxlearn.show(model) to a graph rendered in a real browser.

Each round shows a model that is not being served yet (so a fresh Netron
server process starts), opens its view in headless chromium (Debian's
/usr/bin/chromium, driven by Playwright; no browser download), and stops the
clock when the model's last node (``#node-name-...``) is in the page. The
consent cookie is set and outside requests are aborted, as in the tests.

Run:  .venv/bin/python benchmarks/show_to_render.py [rounds]
"""

import statistics
import sys
import time
from pathlib import Path

from onnx import TensorProto, helper

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from browser_support import CHROMIUM_CANDIDATES, LAUNCH_ARGS, new_context  # noqa: E402

import onnxlearn  # noqa: E402


def model(round_number: int):
    nodes = [helper.make_node("Relu", ["x"], ["h"], name=f"relu_{round_number}"),
             helper.make_node("Softmax", ["h"], ["y"], name=f"softmax_{round_number}")]
    graph = helper.make_graph(
        nodes, f"round{round_number}",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 4])])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)])


def main(rounds: int = 5) -> None:
    from playwright.sync_api import sync_playwright

    executable = next(path for path in CHROMIUM_CANDIDATES if Path(path).exists())
    times, serve_times = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=LAUNCH_ARGS)
        context = new_context(browser)
        page = context.new_page()
        for number in range(rounds):
            start = time.perf_counter()
            view = onnxlearn.show(model(number), mode="netron")
            served = time.perf_counter()
            page.goto(view.url)
            page.locator(f"#node-name-softmax_{number}").wait_for(state="attached")
            times.append(time.perf_counter() - start)
            serve_times.append(served - start)
        browser.close()
    onnxlearn.stop()
    print(f"show() until the server answers: median {statistics.median(serve_times):.2f} s")
    print(f"show() until the graph's nodes are rendered: median {statistics.median(times):.2f} s, "
          f"min {min(times):.2f} s, max {max(times):.2f} s over {rounds} rounds")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
