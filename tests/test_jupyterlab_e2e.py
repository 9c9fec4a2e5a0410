"""End to end: JupyterLab, a notebook calling onnxlearn.show, and a real browser.

JupyterLab starts headless on a free loopback port with a token; chromium
opens a small notebook that shows a model, runs it, accepts Netron's consent
screen inside the output IFrame, and must find the model's own nodes there.
Then the server is shut down through its API, and Netron's server with it.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import onnx
import pytest
from browser_support import LAUNCH_ARGS, chromium_path, new_context, screenshot_path
from onnx import TensorProto, helper

from onnxlearn.netron import DISPLAY_ENV

MODELS = {"first": ("Relu", "Softmax"), "second": ("Tanh", "Sigmoid")}


def e2e_model(name: str) -> onnx.ModelProto:
    first_op, second_op = MODELS[name]
    nodes = [helper.make_node(first_op, ["x"], ["h"], name=f"{name}_{first_op.lower()}"),
             helper.make_node(second_op, ["h"], ["y"], name=f"{name}_{second_op.lower()}")]
    graph = helper.make_graph(
        nodes, name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 3])])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def notebook_json(folder) -> dict:
    """Two cells in one kernel, each showing its own model."""
    # short frames, so that the screenshot shows both views at once
    sources = [f"import onnxlearn\nonnxlearn.show({str(folder / f'{name}.onnx')!r}, height=300)"
               for name in MODELS]
    return {"nbformat": 4, "nbformat_minor": 5,
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                        "language": "python"}},
            "cells": [{"cell_type": "code", "id": f"show-{index}", "metadata": {},
                       "execution_count": None, "outputs": [], "source": source}
                      for index, source in enumerate(sources)]}


def wait_for_http(url: str, process: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"JupyterLab exited with status {process.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    raise AssertionError(f"JupyterLab did not answer {url} within {timeout:.0f} s")


@pytest.fixture
def jupyterlab(tmp_path):
    chromium = chromium_path()
    for name in MODELS:
        onnx.save(e2e_model(name), tmp_path / f"{name}.onnx")
    (tmp_path / "show.ipynb").write_text(json.dumps(notebook_json(tmp_path)))
    port, token = free_port(), secrets.token_hex(16)
    env = {key: value for key, value in os.environ.items()
           if key not in (DISPLAY_ENV, "JUPYTERHUB_SERVICE_PREFIX")}
    for variable, folder in (("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_RUNTIME_DIR", "runtime"),
                             ("JUPYTERLAB_SETTINGS_DIR", "settings"),
                             ("JUPYTERLAB_WORKSPACES_DIR", "workspaces")):
        env[variable] = str(tmp_path / folder)
    command = [sys.executable, "-m", "jupyterlab", "--ServerApp.open_browser=False",
               "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
               "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
               f"--ServerApp.root_dir={tmp_path}", "--LabApp.news_url=None",
               "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    log = open(tmp_path / "jupyterlab.log", "wb")  # noqa: SIM115
    process = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(f"{base}/api/status?token={token}", process)
        yield {"base": base, "token": token, "process": process, "chromium": chromium,
               "log": tmp_path / "jupyterlab.log"}
    finally:
        if process.poll() is None:
            request = urllib.request.Request(f"{base}/api/shutdown?token={token}",
                                             method="POST", data=b"")
            try:
                urllib.request.urlopen(request, timeout=10).close()
                process.wait(timeout=30)
            except (urllib.error.URLError, subprocess.TimeoutExpired, ConnectionError):
                process.kill()
                process.wait(timeout=10)
        log.close()


def test_show_renders_netron_inside_jupyterlab(jupyterlab):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    base, token = jupyterlab["base"], jupyterlab["token"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=jupyterlab["chromium"],
                                             args=LAUNCH_ARGS)
        context = new_context(browser, accept_netron_consent=False)
        page = context.new_page()
        page.goto(f"{base}/lab/tree/show.ipynb?token={token}")
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
        kernel_dialog = page.locator(".jp-Dialog .jp-mod-accept")
        try:
            kernel_dialog.wait_for(timeout=5_000)
            kernel_dialog.click()
        except Exception:  # noqa: BLE001 - the dialog only shows on some first opens
            pass
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']",
                               timeout=60_000)
        frames = page.locator(".jp-OutputArea iframe")
        editors = page.locator(".jp-Cell .jp-InputArea-editor")
        for index, (name, ops) in enumerate(MODELS.items()):
            # Run one cell at a time: while a cell runs, JupyterLab scrolls the notebook,
            # and a frame that moves cannot be clicked reliably.
            editors.nth(index).click()
            page.keyboard.press("Shift+Enter")
            frames.nth(index).wait_for(timeout=60_000)
            frame = page.frame_locator(f".jp-OutputArea iframe >> nth={index}")
            accept = frame.get_by_text("Accept", exact=True)
            # Netron asks for consent in every frame that loaded before the cookie was set.
            # The button is in the page before it is shown, so wait until it is visible;
            # the timeouts are generous because a loaded 2-core CI machine is slow.
            try:
                accept.wait_for(state="visible", timeout=90_000 if index == 0 else 5_000)
            except PlaywrightTimeout:
                assert index > 0, "Netron's consent screen did not show in the first frame"
            else:
                accept.click(timeout=30_000)
            frame.locator("body.default").wait_for(timeout=90_000)
            for op in ops:
                frame.locator(f"#node-name-{name}_{op.lower()}").wait_for(timeout=60_000)
            other = "second" if name == "first" else "first"
            assert frame.locator(f"[id^='node-name-{other}_']").count() == 0
        page.wait_for_timeout(500)  # let Netron's splash screen fade out for the screenshot
        page.locator(".jp-Cell").first.scroll_into_view_if_needed()
        sources = [frames.nth(index).get_attribute("src") for index in range(2)]
        page.screenshot(path=screenshot_path("jupyterlab_netron.png"), full_page=True)
        browser.close()
    assert all(src.startswith("http://127.0.0.1:") for src in sources)
    assert sources[0] != sources[1]
    for src, name in zip(sources, MODELS, strict=True):
        page_html = urllib.request.urlopen(src, timeout=10).read()
        assert f'content="/data/{name}.onnx"'.encode() in page_html

    request = urllib.request.Request(f"{base}/api/shutdown?token={token}", method="POST",
                                     data=b"")
    urllib.request.urlopen(request, timeout=10).close()
    assert jupyterlab["process"].wait(timeout=30) == 0
    deadline = time.monotonic() + 10
    still_serving = set(sources)
    while still_serving and time.monotonic() < deadline:  # Netron ends with the kernel
        for src in list(still_serving):
            try:
                urllib.request.urlopen(src, timeout=1).close()
            except (urllib.error.URLError, ConnectionError):
                still_serving.discard(src)
        time.sleep(0.2)
    assert not still_serving, f"Netron still serves {still_serving} after shutdown"
