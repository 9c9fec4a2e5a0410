"""One Netron server in a process of its own; started by :mod:`onnxlearn.netron`.

Within one Python process every Netron server serves the most recently
served model, so :func:`onnxlearn.show` starts this module once per model::

    python -m onnxlearn.netron_server MODEL.onnx --host 127.0.0.1 --ports 0

It serves ``MODEL.onnx`` (and, for external data, the files next to it),
prints one line ``serving HOST PORT`` (or ``error: ...``) on stdout, and then
serves until its standard input closes. The parent holds that pipe open, so
the server also ends when the parent process ends, however it ends: no
orphan servers.

Examples
--------
>>> parse_ports("20000-20002")
[20000, 20001, 20002]
>>> parse_ports("0")
[0]
"""

from __future__ import annotations

import argparse
import logging
import sys


def parse_ports(text: str) -> list:
    """Ports to try, from ``"0"`` (any free port), ``"8080"``, ``"a-b"`` or ``"a,b,c"``."""
    ports = []
    for part in text.split(","):
        low, _, high = part.strip().partition("-")
        ports.extend(range(int(low), int(high or low) + 1))
    return ports


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m onnxlearn.netron_server")
    parser.add_argument("model")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--ports", default="0")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(message)s")

    import netron

    with open(args.model, "rb") as file:
        data = bytearray(file.read())
    failures = []
    for port in parse_ports(args.ports):
        try:
            host, port = netron.serve(args.model, data=data, address=(args.host, port),
                                      browse=False)
            break
        except OSError as exc:
            failures.append(f"{port}: {exc.strerror or exc}")
    else:
        print(f"error: could not bind {args.host} on port(s) {args.ports} "
              f"({'; '.join(failures[:3])})", flush=True)
        return 3
    print(f"serving {host} {port}", flush=True)
    try:
        sys.stdin.buffer.read()  # returns when the parent closes the pipe or exits
    except KeyboardInterrupt:
        pass
    netron.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
