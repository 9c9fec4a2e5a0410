"""Netron inside a notebook cell: ``onnxlearn.show(model)``.

:func:`show` serves a model with Netron on 127.0.0.1, on a free port, and
returns a view that renders as an IFrame in JupyterLab and in the classic
Notebook. Every model gets a Netron server *process* of its own, because
within one process Netron serves only the model served last; so several
models can be open side by side (:func:`side_by_side`), and showing the same
model again reuses its server. :func:`stop` ends servers, and they also end
with the kernel, however it ends.

Where Netron cannot serve, the same call draws the graph with
:func:`onnxlearn.draw` instead and prints one line saying why:

* ``ONNXLEARN_DISPLAY=static`` is set (tests and notebook regeneration do);
* the netron package is not installed;
* its build is more than 180 days old (its page then refuses to render);
* not running in a Jupyter kernel (a script, a terminal);
* no port could be bound.

``mode="netron"`` or ``mode="static"`` (or ``ONNXLEARN_DISPLAY=netron`` /
``static``) forces either; a forced Netron raises :class:`NetronError` when it
cannot serve. Behind JupyterHub (``JUPYTERHUB_SERVICE_PREFIX`` set) the view
goes through jupyter-server-proxy at ``{prefix}proxy/{port}/``.

Examples
--------
>>> import onnxlearn
>>> view = show(onnxlearn.iris_forest().onnx_path, mode="netron")
>>> view  # doctest: +ELLIPSIS
Netron view of 'iris_forest.onnx' at http://127.0.0.1:.../
>>> stop()
1
"""

from __future__ import annotations

import atexit
import datetime
import hashlib
import html
import importlib.util
import os
import queue
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

#: Environment variable choosing the display: "auto" (default), "netron" or "static".
DISPLAY_ENV = "ONNXLEARN_DISPLAY"
#: Environment variable restricting Netron's ports, e.g. "20000-20019".
PORTS_ENV = "ONNXLEARN_NETRON_PORTS"
#: Netron's page refuses to render this many days after its build date.
MAX_BUILD_AGE_DAYS = 180
HOST = "127.0.0.1"
_MODES = ("auto", "netron", "static")
_START_TIMEOUT_S = 30.0


@dataclass
class NetronServer:
    """A Netron server process serving one model."""

    key: str
    name: str
    process: subprocess.Popen
    port: int
    folder: Path
    models: list = field(default_factory=list)

    @property
    def local_url(self) -> str:
        return f"http://{HOST}:{self.port}/"

    def alive(self) -> bool:
        return self.process.poll() is None


_SERVERS: dict = {}
_LOCK = threading.Lock()


def notebook_url(port: int) -> str:
    """The URL a notebook page uses to reach a local server on ``port``.

    Behind JupyterHub (``JUPYTERHUB_SERVICE_PREFIX`` set) that is the
    jupyter-server-proxy path ``{prefix}proxy/{port}/``; elsewhere it is
    ``http://127.0.0.1:{port}/``.

    Examples
    --------
    >>> import os
    >>> os.environ["JUPYTERHUB_SERVICE_PREFIX"] = "/user/ada/"
    >>> notebook_url(20001)
    '/user/ada/proxy/20001/'
    >>> del os.environ["JUPYTERHUB_SERVICE_PREFIX"]
    >>> notebook_url(20001)
    'http://127.0.0.1:20001/'
    """
    prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX")
    if prefix:
        return f"{prefix.rstrip('/')}/proxy/{port}/"
    return f"http://{HOST}:{port}/"


class NetronView:
    """What :func:`show` returns in Netron mode: an IFrame on a model's server.

    Attributes
    ----------
    name : str
        The served file's name.
    port : int
    url : str
        The URL the notebook page loads (see :func:`notebook_url`).
    urls : list of str
        One per model, for :func:`side_by_side`.
    """

    def __init__(self, servers: list, height: int = 600):
        self._servers = list(servers)
        self.height = height
        self.urls = [notebook_url(server.port) for server in self._servers]

    @property
    def name(self) -> str:
        return self._servers[0].name

    @property
    def port(self) -> int:
        return self._servers[0].port

    @property
    def url(self) -> str:
        return self.urls[0]

    def __repr__(self) -> str:
        return "\n".join(f"Netron view of {server.name!r} at {server.local_url}"
                         for server in self._servers)

    def _repr_html_(self) -> str:
        width = f"{100 / len(self._servers):.4g}%"
        frames = "".join(
            f'<iframe src="{html.escape(url)}" title="Netron: {html.escape(server.name)}" '
            f'width="{width}" height="{self.height}" frameborder="0" allowfullscreen>'
            f"</iframe>" for url, server in zip(self.urls, self._servers, strict=True))
        return f'<div style="display:flex;gap:6px;width:100%">{frames}</div>'

    def stop(self) -> int:
        """Stop the server(s) behind this view; returns how many were stopped."""
        return sum(_stop_server(server) for server in self._servers)


def netron_build_date():
    """The build date of the installed Netron, read from its page, or None.

    Examples
    --------
    >>> netron_build_date() is not None
    True
    """
    spec = importlib.util.find_spec("netron")
    if spec is None or not spec.submodule_search_locations:
        return None
    index = Path(list(spec.submodule_search_locations)[0]) / "index.html"
    try:
        text = index.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    found = re.search(r'<meta name="date" content="(\d{4}-\d{2}-\d{2})', text)
    return datetime.date.fromisoformat(found.group(1)) if found else None


def netron_problem(*, today=None) -> str | None:
    """Why the installed Netron cannot serve a page that renders, or None.

    Parameters
    ----------
    today : datetime.date, optional
        The date to judge the build's age against; defaults to today.

    Examples
    --------
    >>> import datetime
    >>> built = netron_build_date()
    >>> netron_problem(today=built)
    >>> print(netron_problem(today=built + datetime.timedelta(days=400)).split("; ")[-1])
    update it with: pip install -U netron
    """
    if importlib.util.find_spec("netron") is None:
        return "the netron package is not installed (pip install netron)"
    built = netron_build_date()
    if built is None:
        return None
    age = ((today or datetime.date.today()) - built).days
    if age > MAX_BUILD_AGE_DAYS:
        return (f"Netron {_netron_version()} was built on {built.isoformat()}, {age} days ago, "
                f"and its page refuses to render after {MAX_BUILD_AGE_DAYS} days; "
                "update it with: pip install -U netron")
    return None


def _netron_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("netron")
    except PackageNotFoundError:
        return "(unknown version)"


def in_notebook_kernel() -> bool:
    """True when running inside a Jupyter kernel, where an IFrame can render."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return shell is not None and hasattr(shell, "kernel")


def display_mode(mode: str | None = None) -> str:
    """The display mode in force: ``mode`` if given, else ``ONNXLEARN_DISPLAY``, else "auto".

    Raises
    ------
    DisplayModeError
        For a value other than "auto", "netron" or "static".

    Examples
    --------
    >>> display_mode("static")
    'static'
    """
    from .errors import DisplayModeError

    source = "mode" if mode is not None else DISPLAY_ENV
    value = mode if mode is not None else (os.environ.get(DISPLAY_ENV) or "auto")
    if value not in _MODES:
        raise DisplayModeError(
            f"unknown display mode in {source}", expected=" or ".join(map(repr, _MODES)),
            given=repr(value),
            fix="pass mode='netron' or mode='static', or unset ONNXLEARN_DISPLAY")
    return value


def _fallback_reason(mode: str) -> str | None:
    """Why "auto" cannot use Netron here, or None when it can."""
    if mode == "static":
        return f"{DISPLAY_ENV}=static (unset it, or pass mode='netron', for the live view)"
    problem = netron_problem()
    if problem:
        return problem
    if not in_notebook_kernel():
        return ("no notebook display here (not running in a Jupyter kernel); "
                "pass mode='netron' to serve anyway and open the printed URL")
    return None


def _ports_text(ports) -> str:
    from .errors import InputMismatchError

    if ports is None:
        return os.environ.get(PORTS_ENV) or "0"
    if isinstance(ports, int):
        return str(ports)
    if isinstance(ports, range) and ports.step == 1 and len(ports):
        return f"{ports.start}-{ports.stop - 1}"
    if isinstance(ports, str):
        return ports
    try:
        return ",".join(str(int(port)) for port in ports)
    except (TypeError, ValueError):
        raise InputMismatchError(
            "ports must be a port number, a range or a list of ports",
            expected="e.g. 20000, range(20000, 20010) or '20000-20009'",
            given=repr(ports), fix="pass ports=None to use any free port") from None


def _model_source(model):
    """(key, display name, bytes or None, path or None), checking it is an ONNX model."""
    import onnx

    from .modelfile import check_model_path, parse_model_bytes

    if isinstance(model, (str, os.PathLike)):
        path = check_model_path(model)
        data = path.read_bytes()
        parse_model_bytes(data, source=repr(os.fspath(path)))
        return hashlib.sha256(data).hexdigest(), path.name, None, path.resolve()
    if isinstance(model, onnx.ModelProto):
        data = model.SerializeToString()
        name = model.graph.name or "model"
    else:
        from .modelfile import load_model

        parsed = load_model(model)  # bytes, or a clear TypeError for anything else
        data = bytes(model)
        name = parsed.graph.name or "model"
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("._") or "model"
    return hashlib.sha256(data).hexdigest(), f"{safe}.onnx", data, None


def _start_server(key: str, name: str, data, path, ports) -> NetronServer:
    from .errors import MissingDependencyError, NetronError

    if importlib.util.find_spec("netron") is None:
        raise MissingDependencyError(
            "showing a model in Netron needs the package 'netron'",
            expected="'netron' importable", given="not installed",
            fix="pip install netron, or pass mode='static' for a static drawing")
    folder = Path(tempfile.mkdtemp(prefix="onnxlearn-netron-"))
    if path is None:
        path = folder / name
        path.write_bytes(data)
    package_root = str(Path(__file__).resolve().parents[1])
    env = {**os.environ,
           "PYTHONPATH": os.pathsep.join(filter(None, [package_root,
                                                       os.environ.get("PYTHONPATH")]))}
    ports_text = _ports_text(ports)
    log = open(folder / "server.log", "w+b")  # noqa: SIM115 - owned by the server
    process = subprocess.Popen(
        [sys.executable, "-m", "onnxlearn.netron_server", str(path), "--host", HOST,
         "--ports", ports_text],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, env=env,
        start_new_session=True)  # a kernel interrupt (SIGINT to its group) spares it
    log.close()
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: lines.put(process.stdout.readline()), daemon=True).start()
    try:
        first = lines.get(timeout=_START_TIMEOUT_S).decode(errors="replace").strip()
    except queue.Empty:
        first = f"error: no answer within {_START_TIMEOUT_S:.0f} s"
    server = NetronServer(key, name, process, 0, folder)
    if not first.startswith("serving "):
        _stop_server(server)
        details = first.removeprefix("error: ") if first else _last_log_line(folder)
        ranged = ports_text != "0"
        raise NetronError(
            "Netron could not start", expected=f"a free port on {HOST}"
            + (f" among {ports_text}" if ranged else ""), given=details,
            fix=(f"stop servers you no longer need with onnxlearn.stop(), or choose other "
                 f"ports (ports=... or {PORTS_ENV})") if ranged
            else "check that 127.0.0.1 can be bound, or pass mode='static'")
    server.port = int(first.split()[2])
    return server


def _last_log_line(folder: Path) -> str:
    try:
        lines = (folder / "server.log").read_text(errors="replace").strip().splitlines()
    except OSError:
        lines = []
    return lines[-1] if lines else "the server exited without a word"


def _stop_server(server: NetronServer) -> int:
    """Stop one server process and remove its files; 1 if it was running."""
    was_alive = server.alive()
    with _LOCK:
        if _SERVERS.get(server.key) is server:
            del _SERVERS[server.key]
    if was_alive:
        try:
            server.process.stdin.close()  # the server's signal to finish
            server.process.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            server.process.kill()
            server.process.wait(timeout=5)
    for stream in (server.process.stdin, server.process.stdout):
        if stream is not None and not stream.closed:
            stream.close()
    shutil.rmtree(server.folder, ignore_errors=True)
    return 1 if was_alive else 0


def serve(model, *, ports=None) -> NetronServer:
    """Serve ``model`` in a Netron process of its own, reusing a running one.

    Parameters
    ----------
    model : path-like, bytes or onnx.ModelProto
    ports : int, range, sequence of int or str, optional
        Where to listen; default any free port (or ``ONNXLEARN_NETRON_PORTS``).

    Returns
    -------
    NetronServer

    Raises
    ------
    ModelNotFoundError, ModelLoadError
        For a missing or non-ONNX model.
    NetronError
        When no port could be bound or the server did not start.
    MissingDependencyError
        When netron is not installed.
    """
    key, name, data, path = _model_source(model)
    with _LOCK:
        running = _SERVERS.get(key)
    if running is not None and running.alive():
        return running
    server = _start_server(key, name, data, path, ports)
    with _LOCK:
        _SERVERS[key] = server
    return server


def running_servers() -> list:
    """The Netron servers started by this process that are still running."""
    with _LOCK:
        return [server for server in _SERVERS.values() if server.alive()]


def _show(models: list, *, mode, height, titles=None, **draw_options):
    from .draw import draw, draw_side_by_side

    for model in models:  # bad models fail the same way in every mode
        _model_source(model)
    chosen = display_mode(mode)
    reason = None if chosen == "netron" else _fallback_reason(chosen)
    if mode == "static":
        reason = None  # asked for by name: nothing to explain
    if chosen != "static" and reason is None:
        from .errors import NetronError

        try:
            return NetronView([serve(model, ports=draw_options.pop("ports", None))
                               for model in models], height=height)
        except NetronError as exc:
            if chosen == "netron":
                raise
            reason = str(exc)
    if reason:
        print(f"Static drawing shown instead of Netron: {reason.rstrip('.')}.")
    draw_options.pop("ports", None)
    if len(models) == 1:
        return draw(models[0], **draw_options)
    return draw_side_by_side(models, titles=titles, **draw_options)


def show(model, *, mode: str | None = None, height: int = 600, ports=None, **draw_options):
    """Show a model in Netron inside the notebook, or a static drawing of it.

    Parameters
    ----------
    model : path-like, bytes or onnx.ModelProto
    mode : {"auto", "netron", "static"}, optional
        Default: ``ONNXLEARN_DISPLAY``, else "auto", which uses Netron where
        it can serve and falls back to :func:`onnxlearn.draw` otherwise,
        printing one line that says why.
    height : int, default 600
        Height of the IFrame, in pixels.
    ports : int, range, sequence of int or str, optional
        Ports Netron may listen on; default any free port.
    **draw_options
        Passed to :func:`onnxlearn.draw` for the static drawing.

    Returns
    -------
    NetronView or StaticDrawing
        Either renders in the cell; ``NetronView.url`` is the page's URL.

    Raises
    ------
    ModelNotFoundError, ModelLoadError
        For a missing path, or a file or bytes that are not an ONNX model.
    DisplayModeError
        For an unknown mode.
    NetronError, MissingDependencyError
        Only when ``mode="netron"`` is forced and Netron cannot serve.

    Examples
    --------
    >>> import onnxlearn
    >>> show(onnxlearn.iris_forest().onnx_path, mode="static")
    <static drawing of graph 'iris_forest': 3 nodes>
    """
    return _show([model], mode=mode, height=height, ports=ports, **draw_options)


def side_by_side(*models, mode: str | None = None, height: int = 500, titles=None,
                 ports=None, **draw_options):
    """Show several models next to each other, each in its own Netron server.

    Parameters
    ----------
    *models : path-like, bytes or onnx.ModelProto
    mode, height, ports
        As for :func:`show`.
    titles : sequence of str, optional
        Titles of the static drawings.

    Returns
    -------
    NetronView or StaticDrawing

    Examples
    --------
    >>> import onnxlearn
    >>> forest = onnxlearn.iris_forest().onnx_path
    >>> side_by_side(forest, forest, mode="static", titles=["before", "after"])
    <static drawings side by side: 'before' (3 nodes), 'after' (3 nodes)>
    """
    from .errors import InputMismatchError

    if not models:
        raise InputMismatchError("nothing to show", expected="one or more models",
                                 given="none", fix="pass side_by_side(model_a, model_b)")
    return _show(list(models), mode=mode, height=height, titles=titles, ports=ports,
                 **draw_options)


def stop(model=None) -> int:
    """Stop Netron servers: all of them, or the one serving ``model``.

    Parameters
    ----------
    model : path-like, bytes, onnx.ModelProto or NetronView, optional

    Returns
    -------
    int
        How many servers were stopped.

    Examples
    --------
    >>> stop()
    0
    """
    if model is None:
        with _LOCK:
            servers = list(_SERVERS.values())
        return sum(_stop_server(server) for server in servers)
    if isinstance(model, NetronView):
        return model.stop()
    key = _model_source(model)[0]
    with _LOCK:
        server = _SERVERS.get(key)
    return _stop_server(server) if server is not None else 0


def view_until_interrupted(models, *, ports=None, out=None) -> int:
    """Serve each model, print its URL, and wait until Ctrl-C (``onnxlearn view``).

    Parameters
    ----------
    models : sequence of path-like
    ports : optional
        As for :func:`show`.
    out : file-like, default sys.stdout

    Returns
    -------
    int
        0 after Ctrl-C (or SIGTERM), 1 if a server stopped on its own.
    """
    import signal
    import time

    out = out or sys.stdout
    servers = [serve(model, ports=ports) for model in models]
    for server in servers:
        print(f"{server.name}: {server.local_url}", file=out, flush=True)
    print("Serving; press Ctrl-C to stop.", file=out, flush=True)

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        while all(server.alive() for server in servers):
            time.sleep(0.2)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)
        for server in servers:
            _stop_server(server)


atexit.register(stop)
