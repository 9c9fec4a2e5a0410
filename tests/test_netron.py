"""onnxlearn.show / stop / side_by_side: real Netron server processes, real HTTP.

Servers are started for real (one process per model) and checked over HTTP;
the display decision inside a notebook is checked in a real Jupyter kernel.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.request
from pathlib import Path

import onnx
import pytest
from onnx import TensorProto, helper

import onnxlearn
from onnxlearn import netron as netron_module
from onnxlearn.errors import (
    DisplayModeError,
    InputMismatchError,
    MissingDependencyError,
    ModelLoadError,
    ModelNotFoundError,
    NetronError,
)

ROOT = Path(__file__).resolve().parents[1]
STATIC_LINE = ("Static drawing shown instead of Netron: ONNXLEARN_DISPLAY=static "
               "(unset it, or pass mode='netron', for the live view).\n")


def tiny_model(op: str, graph_name: str) -> onnx.ModelProto:
    node = helper.make_node(op, ["x"], ["y"], name=f"{op.lower()}_node")
    graph = helper.make_graph(
        [node], graph_name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 3])])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)])


@pytest.fixture
def relu_path(tmp_path):
    path = tmp_path / "relu.onnx"
    onnx.save(tiny_model("Relu", "relu_graph"), path)
    return path


@pytest.fixture
def sigmoid_path(tmp_path):
    path = tmp_path / "sigmoid.onnx"
    onnx.save(tiny_model("Sigmoid", "sigmoid_graph"), path)
    return path


@pytest.fixture(autouse=True)
def clean_servers(monkeypatch):
    monkeypatch.delenv("ONNXLEARN_DISPLAY", raising=False)
    monkeypatch.delenv("JUPYTERHUB_SERVICE_PREFIX", raising=False)
    monkeypatch.delenv("ONNXLEARN_NETRON_PORTS", raising=False)
    yield
    onnxlearn.stop()


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()


def process_running(pid: int) -> bool:
    stat = Path(f"/proc/{pid}/stat")
    if stat.parent.parent.exists() and Path("/proc/self").exists():
        try:
            state = stat.read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError):
            return False
        return state not in ("Z", "X")
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def wait_until_gone(pid: int, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not process_running(pid):
            return True
        time.sleep(0.05)
    return False


def listening_socket(port: int = 0) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", port))
    sock.listen()
    return sock


# --- serving -----------------------------------------------------------------

def test_show_serves_the_model_over_http(relu_path):
    view = onnxlearn.show(relu_path, mode="netron")
    assert isinstance(view, onnxlearn.NetronView)
    assert view.url == f"http://127.0.0.1:{view.port}/"
    assert fetch(view.url + "data/relu.onnx") == relu_path.read_bytes()
    page = fetch(view.url).decode()
    assert '<meta name="file" content="/data/relu.onnx">' in page
    assert f'src="{view.url}"' in view._repr_html_()
    assert repr(view) == f"Netron view of 'relu.onnx' at http://127.0.0.1:{view.port}/"


def test_show_accepts_bytes_and_modelproto(tmp_path):
    proto = tiny_model("Relu", "from proto!")
    view = onnxlearn.show(proto, mode="netron")
    assert view.name == "from_proto.onnx"
    assert onnx.load_from_string(fetch(view.url + "data/from_proto.onnx")) == proto
    other = tiny_model("Tanh", "from_bytes")
    blob_view = onnxlearn.show(other.SerializeToString(), mode="netron")
    assert fetch(blob_view.url + "data/from_bytes.onnx") == other.SerializeToString()


def test_showing_the_same_model_again_reuses_its_server(relu_path):
    first = onnxlearn.show(relu_path, mode="netron")
    again = onnxlearn.show(relu_path, mode="netron")
    same_bytes = onnxlearn.show(relu_path.read_bytes(), mode="netron")
    assert first.port == again.port == same_bytes.port
    assert len(netron_module.running_servers()) == 1


def test_two_models_at_once_each_server_serves_its_own(relu_path, sigmoid_path):
    relu = onnxlearn.show(relu_path, mode="netron")
    sigmoid = onnxlearn.show(sigmoid_path, mode="netron")
    assert relu.port != sigmoid.port
    # Within one process Netron would now serve the sigmoid everywhere; it must not.
    assert fetch(relu.url + "data/relu.onnx") == relu_path.read_bytes()
    assert fetch(sigmoid.url + "data/sigmoid.onnx") == sigmoid_path.read_bytes()
    assert b"relu.onnx" in fetch(relu.url) and b"sigmoid.onnx" not in fetch(relu.url)


def test_side_by_side_serves_both_in_one_view(relu_path, sigmoid_path):
    view = onnxlearn.side_by_side(relu_path, sigmoid_path, mode="netron")
    assert len(view.urls) == 2 and view.urls[0] != view.urls[1]
    assert view._repr_html_().count("<iframe") == 2
    assert fetch(view.urls[1] + "data/sigmoid.onnx") == sigmoid_path.read_bytes()
    with pytest.raises(InputMismatchError, match="nothing to show"):
        onnxlearn.side_by_side()


def test_stop_one_model_then_all(relu_path, sigmoid_path):
    relu = onnxlearn.show(relu_path, mode="netron")
    sigmoid = onnxlearn.show(sigmoid_path, mode="netron")
    relu_server = netron_module.running_servers()[0]
    assert onnxlearn.stop(relu_path) == 1
    assert not relu_server.alive() and not relu_server.folder.exists()
    with pytest.raises(urllib.error.URLError):
        fetch(relu.url)
    assert fetch(sigmoid.url + "data/sigmoid.onnx")  # the other one still serves
    assert onnxlearn.stop(relu_path) == 0
    assert onnxlearn.stop(sigmoid) == 1
    assert onnxlearn.stop() == 0 and netron_module.running_servers() == []


def test_no_orphan_servers_when_the_process_exits(relu_path, sigmoid_path):
    for ending in ("normal exit", "killed"):
        script = textwrap.dedent(f"""
            import os, signal, sys, onnxlearn
            from onnxlearn import netron
            onnxlearn.show({str(relu_path)!r}, mode="netron")
            onnxlearn.show({str(sigmoid_path)!r}, mode="netron")
            print(" ".join(str(s.process.pid) for s in netron.running_servers()), flush=True)
            if {ending == "killed"}:
                os.kill(os.getpid(), signal.SIGKILL)
        """)
        result = subprocess.run([sys.executable, "-c", script], capture_output=True,
                                text=True, timeout=60, cwd=ROOT)
        pids = [int(pid) for pid in result.stdout.split()]
        assert len(pids) == 2, result.stderr
        assert all(wait_until_gone(pid) for pid in pids), f"orphans after {ending}: {pids}"


# --- ports -------------------------------------------------------------------

def test_port_in_use_gives_one_clear_line(relu_path):
    busy = listening_socket()
    port = busy.getsockname()[1]
    try:
        with pytest.raises(NetronError) as caught:
            onnxlearn.show(relu_path, mode="netron", ports=port)
    finally:
        busy.close()
    message = str(caught.value)
    assert "\n" not in message
    assert f"among {port}" in message and "Address already in use" in message
    assert netron_module.running_servers() == []


def test_port_range_exhausted(relu_path, sigmoid_path, monkeypatch):
    first = listening_socket()
    low = first.getsockname()[1]
    first.close()
    busy = [listening_socket(low), listening_socket(low + 1)]
    try:
        monkeypatch.setenv("ONNXLEARN_NETRON_PORTS", f"{low}-{low + 1}")
        with pytest.raises(NetronError, match=f"among {low}-{low + 1}.*onnxlearn.stop"):
            onnxlearn.show(relu_path, mode="netron")
    finally:
        for sock in busy:
            sock.close()
    view = onnxlearn.show(relu_path, mode="netron", ports=range(low, low + 2))
    assert view.port == low
    assert onnxlearn.show(sigmoid_path, mode="netron", ports=[low, low + 1]).port == low + 1
    with pytest.raises(InputMismatchError, match="ports must be"):
        onnxlearn.show(tiny_model("Tanh", "tanh"), mode="netron", ports=[object()])


def test_jupyterhub_url_goes_through_the_proxy(relu_path, monkeypatch):
    monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", "/user/ada/")
    view = onnxlearn.show(relu_path, mode="netron")
    assert view.url == f"/user/ada/proxy/{view.port}/"
    assert f'src="/user/ada/proxy/{view.port}/"' in view._repr_html_()
    monkeypatch.setenv("JUPYTERHUB_SERVICE_PREFIX", "/user/ada")  # no trailing slash
    assert onnxlearn.show(relu_path, mode="netron").url == f"/user/ada/proxy/{view.port}/"


# --- display decision and fallbacks -----------------------------------------

def test_static_env_gives_the_drawing_and_one_stable_line(relu_path, monkeypatch, capsys):
    monkeypatch.setenv("ONNXLEARN_DISPLAY", "static")
    shown = onnxlearn.show(relu_path)
    assert isinstance(shown, onnxlearn.StaticDrawing)
    assert repr(shown) == "<static drawing of graph 'relu_graph': 1 node>"
    assert capsys.readouterr().out == STATIC_LINE
    assert netron_module.running_servers() == []
    onnxlearn.show(relu_path, mode="static")  # asked for by name: nothing to explain
    assert capsys.readouterr().out == ""
    assert isinstance(onnxlearn.show(relu_path, mode="netron"), onnxlearn.NetronView)


def test_env_can_force_netron(relu_path, monkeypatch):
    monkeypatch.setenv("ONNXLEARN_DISPLAY", "netron")
    assert isinstance(onnxlearn.show(relu_path), onnxlearn.NetronView)


def test_no_display_falls_back_with_the_reason(relu_path, capsys):
    shown = onnxlearn.show(relu_path)  # pytest is not a Jupyter kernel
    assert isinstance(shown, onnxlearn.StaticDrawing)
    line = capsys.readouterr().out
    assert line.count("\n") == 1 and "not running in a Jupyter kernel" in line


def test_unknown_mode_is_a_clear_error(relu_path, monkeypatch):
    with pytest.raises(DisplayModeError, match="expected 'auto' or 'netron' or 'static'"):
        onnxlearn.show(relu_path, mode="browser")
    monkeypatch.setenv("ONNXLEARN_DISPLAY", "pretty")
    with pytest.raises(DisplayModeError, match="ONNXLEARN_DISPLAY.*given 'pretty'"):
        onnxlearn.show(relu_path)


def run_python(code: str, **env) -> subprocess.CompletedProcess:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("ONNXLEARN_DISPLAY")}
    full_env.update(env)
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, timeout=120, cwd=ROOT, env=full_env)


def test_netron_not_installed_falls_back_or_raises_when_forced(relu_path):
    result = run_python(f"""
        import sys
        sys.modules["netron"] = None  # as if the package were not installed
        import onnxlearn
        print(repr(onnxlearn.show({str(relu_path)!r})))
        try:
            onnxlearn.show({str(relu_path)!r}, mode="netron")
        except onnxlearn.MissingDependencyError as exc:
            print("forced:", exc)
    """)
    lines = result.stdout.splitlines()
    assert lines[0] == ("Static drawing shown instead of Netron: the netron package is not "
                        "installed (pip install netron).")
    assert lines[1] == "<static drawing of graph 'relu_graph': 1 node>"
    assert lines[2].startswith("forced: showing a model in Netron needs the package 'netron'")
    assert MissingDependencyError.__mro__[1:3] == (onnxlearn.OnnxLearnError, ImportError)


def test_netron_build_older_than_180_days_falls_back(relu_path, tmp_path):
    old = tmp_path / "old_netron" / "netron"
    old.mkdir(parents=True)
    (old / "__init__.py").write_text("")
    (old / "index.html").write_text('<meta name="date" content="2025-01-02 10:00:00">')
    result = run_python(f"""
        import onnxlearn
        onnxlearn.show({str(relu_path)!r})
    """, PYTHONPATH=str(old.parent))
    assert "Static drawing shown instead of Netron: Netron" in result.stdout
    assert "was built on 2025-01-02" in result.stdout
    assert "refuses to render after 180 days" in result.stdout, result.stderr


def test_build_age_is_read_from_netrons_page():
    import datetime

    built = netron_module.netron_build_date()
    assert isinstance(built, datetime.date)
    assert netron_module.netron_problem(today=built + datetime.timedelta(days=180)) is None
    late = netron_module.netron_problem(today=built + datetime.timedelta(days=181))
    assert "181 days ago" in late and "pip install -U netron" in late


# --- bad input -----------------------------------------------------------------

@pytest.mark.parametrize("mode", ["netron", "static", None])
def test_bad_models_give_one_clear_line_in_every_mode(tmp_path, mode):
    not_a_model = tmp_path / "notes.onnx"
    not_a_model.write_text("these are my notes, not a model")
    no_graph = tmp_path / "header_only.onnx"  # a ModelProto header Netron cannot open
    no_graph.write_bytes(onnx.ModelProto(ir_version=8, producer_name="cut").SerializeToString())
    cases = [(tmp_path / "missing.onnx", ModelNotFoundError, "model file not found"),
             (not_a_model, ModelLoadError, "not an ONNX model"),
             (no_graph, ModelLoadError, "ir_version=8 and no graph"),
             (b"", ModelLoadError, "model is empty")]
    for model, error, words in cases:
        with pytest.raises(error, match=words) as caught:
            onnxlearn.show(model, mode=mode)
        assert "\n" not in str(caught.value)
    with pytest.raises(TypeError, match="model must be a path, bytes or onnx.ModelProto"):
        onnxlearn.show(42, mode=mode)
    assert netron_module.running_servers() == []


# --- command line --------------------------------------------------------------

def test_view_command_serves_until_interrupted(relu_path, sigmoid_path):
    process = subprocess.Popen(
        [sys.executable, "-m", "onnxlearn", "view", str(relu_path), str(sigmoid_path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        lines = [process.stdout.readline().strip() for _ in range(3)]
        assert lines[2] == "Serving; press Ctrl-C to stop."
        urls = dict(line.split(": ", 1) for line in lines[:2])
        assert fetch(urls["relu.onnx"] + "data/relu.onnx") == relu_path.read_bytes()
        assert fetch(urls["sigmoid.onnx"] + "data/sigmoid.onnx") == sigmoid_path.read_bytes()
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=15) == 0
    for url in urls.values():
        with pytest.raises(urllib.error.URLError):
            fetch(url)


def test_view_command_reports_a_missing_model(tmp_path):
    result = subprocess.run([sys.executable, "-m", "onnxlearn", "view",
                             str(tmp_path / "nope.onnx")], capture_output=True, text=True,
                            timeout=60, cwd=ROOT)
    assert result.returncode == 2
    assert result.stderr.startswith("onnxlearn view: model file not found")
    assert result.stderr.count("\n") == 1


# --- inside a real Jupyter kernel -----------------------------------------------

@pytest.fixture(scope="module")
def kernel():
    from jupyter_client.manager import start_new_kernel

    env = {k: v for k, v in os.environ.items()
           if k not in ("ONNXLEARN_DISPLAY", "JUPYTERHUB_SERVICE_PREFIX")}
    manager, client = start_new_kernel(kernel_name="python3", cwd=str(ROOT), env=env)
    yield client
    client.stop_channels()
    manager.shutdown_kernel(now=True)


def run_cell(client, code: str) -> list:
    outputs = []

    def keep(message):
        if message["msg_type"] in ("stream", "display_data", "execute_result", "error"):
            outputs.append(message["content"])

    reply = client.execute_interactive(textwrap.dedent(code), timeout=120, output_hook=keep)
    assert reply["content"]["status"] == "ok", outputs
    return outputs


def test_in_a_kernel_show_renders_an_iframe(kernel, relu_path):
    outputs = run_cell(kernel, f"""
        import onnxlearn
        onnxlearn.show({str(relu_path)!r})
    """)
    data = outputs[-1]["data"]
    assert '<iframe src="http://127.0.0.1:' in data["text/html"]
    port = int(data["text/html"].split("127.0.0.1:")[1].split("/")[0])
    assert fetch(f"http://127.0.0.1:{port}/data/relu.onnx") == relu_path.read_bytes()
    assert not any(output.get("name") == "stderr" for output in outputs)  # no "Serving..."
    run_cell(kernel, "onnxlearn.stop()")


def test_in_a_kernel_a_busy_port_falls_back_with_one_line(kernel, relu_path):
    busy = listening_socket()
    port = busy.getsockname()[1]
    try:
        outputs = run_cell(kernel, f"onnxlearn.show({str(relu_path)!r}, ports={port})")
    finally:
        busy.close()
    line = outputs[0]["text"]
    assert line.startswith("Static drawing shown instead of Netron: Netron could not start")
    assert line.count("\n") == 1
    assert "image/png" in outputs[1]["data"]
    assert outputs[1]["data"]["text/plain"] == "<static drawing of graph 'relu_graph': 1 node>"


def test_in_a_kernel_behind_jupyterhub_the_iframe_uses_the_proxy(kernel, relu_path):
    outputs = run_cell(kernel, f"""
        import os
        os.environ["JUPYTERHUB_SERVICE_PREFIX"] = "/user/ada/"
        view = onnxlearn.show({str(relu_path)!r})
        del os.environ["JUPYTERHUB_SERVICE_PREFIX"]
        view
    """)
    assert '<iframe src="/user/ada/proxy/' in outputs[-1]["data"]["text/html"]
    run_cell(kernel, "onnxlearn.stop()")
