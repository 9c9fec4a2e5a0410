"""A real browser renders the models served by onnxlearn.show.

Debian's chromium, driven by Playwright (no browser download), opens each
Netron view and must find the model's own nodes (``#node-name-<name>``),
and not the other model's: one server per model keeps each view correct.
Screenshots are kept under artifacts/ (gitignored; CI keeps them).
"""

from __future__ import annotations

import onnx
import pytest
from browser_support import LAUNCH_ARGS, chromium_path, new_context, screenshot_path
from onnx import TensorProto, helper

import onnxlearn


def two_layer_model(first_op: str, second_op: str, name: str) -> onnx.ModelProto:
    nodes = [helper.make_node(first_op, ["x"], ["hidden"], name=f"{name}_{first_op.lower()}"),
             helper.make_node(second_op, ["hidden"], ["y"], name=f"{name}_{second_op.lower()}")]
    graph = helper.make_graph(
        nodes, name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 4])])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)])


@pytest.fixture(scope="module")
def browser():
    executable = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=LAUNCH_ARGS)
        yield launched
        launched.close()


def test_netron_renders_each_models_own_nodes(browser, tmp_path):
    before = tmp_path / "before.onnx"
    onnx.save(two_layer_model("Relu", "Sigmoid", "before"), before)
    after = two_layer_model("Tanh", "Softmax", "after")
    views = {"before": onnxlearn.show(before, mode="netron"),
             "after": onnxlearn.show(after, mode="netron")}
    expected = {"before": ["before_relu", "before_sigmoid"],
                "after": ["after_tanh", "after_softmax"]}
    context = new_context(browser)
    try:
        for name, view in views.items():
            page = context.new_page()
            page.goto(view.url)
            page.wait_for_selector("body.default", timeout=90_000)
            for node in expected[name]:
                assert page.locator(f"#node-name-{node}").count() == 1, (name, node)
            other = "after" if name == "before" else "before"
            for node in expected[other]:
                assert page.locator(f"#node-name-{node}").count() == 0
            page.screenshot(path=screenshot_path(f"netron_{name}.png"))
            page.close()
    finally:
        context.close()
        onnxlearn.stop()


def test_netron_renders_the_course_forest(browser):
    view = onnxlearn.show(onnxlearn.iris_forest().onnx_path, mode="netron")
    context = new_context(browser)
    try:
        page = context.new_page()
        page.goto(view.url)
        page.wait_for_selector("body.default", timeout=90_000)
        assert page.locator("#node-name-TreeEnsembleClassifier").count() == 1
        assert page.locator("#node-name-ZipMap").count() == 1
        page.screenshot(path=screenshot_path("netron_iris_forest.png"))
    finally:
        context.close()
        onnxlearn.stop()
