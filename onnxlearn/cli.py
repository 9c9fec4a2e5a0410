"""The ``onnxlearn`` command: check the setup, and look at any .onnx file.

Subcommands
-----------
doctor
    Versions of what the course needs, the last day the installed Netron page
    renders, execution providers, and whether ``models/`` is writable. Exits 1
    with a clear line when something is missing.
inspect MODEL [--json]
    The anatomy of any .onnx file (:func:`onnxlearn.summarize`); ``--json``
    prints stable JSON. Exits 1 when the checker complains, 2 when the file
    cannot be read as a model.
view MODEL [MODEL...] [--ports P]
    Serve each model with Netron (one server each, on 127.0.0.1), print
    their URLs and wait until Ctrl-C (:func:`onnxlearn.netron.view_until_interrupted`).
draw MODEL -o FILE.png|svg
    Save a static drawing of the graph (:func:`onnxlearn.draw`).
dtypes [NAME...] [--no-probe] [--refresh] [--html]
    Every ONNX element type, its numpy dtype, size and category, and whether
    onnxruntime's CPU provider runs it (:func:`onnxlearn.dtype_table`).

Examples
--------
>>> main(["doctor"])  # doctest: +SKIP
"""

from __future__ import annotations

import argparse
import datetime
import platform
import sys
from importlib.metadata import PackageNotFoundError, version

#: (distribution, import name, needed by the course)
COURSE_PACKAGES = (
    ("onnx", "onnx", True),
    ("onnxruntime", "onnxruntime", True),
    ("skl2onnx", "skl2onnx", True),
    ("scikit-learn", "sklearn", True),
    ("netron", "netron", True),
    ("jupyterlab", "jupyterlab", True),
    ("matplotlib", "matplotlib", True),
    ("torch", "torch", False),
)


def _installed_version(distribution: str) -> str | None:
    try:
        return version(distribution)
    except PackageNotFoundError:
        return None


def doctor(out=None) -> int:
    """Print what the course needs and whether it is there.

    Parameters
    ----------
    out : file-like, default sys.stdout

    Returns
    -------
    int
        0 when everything needed is present, 1 otherwise.
    """
    from .cache import MODELS_DIR_ENV, _configured_models_dir, is_writable, models_dir
    from .errors import CacheNotWritableError

    out = out or sys.stdout
    problems = []
    print(f"python       {platform.python_version()} ({sys.executable})", file=out)
    for distribution, _, needed in COURSE_PACKAGES:
        found = _installed_version(distribution)
        if found is None:
            label = ("MISSING" if needed
                     else "not installed (optional: pip install 'onnxlearn[torch]')")
            if needed:
                problems.append(f"{distribution} is not installed: "
                                f"run `python3 course.py test` or `pip install -e .`")
        else:
            label = found
        print(f"{distribution:<12} {label}", file=out)

    notes = []
    if _installed_version("netron"):
        from .netron import MAX_BUILD_AGE_DAYS, netron_build_date, netron_problem

        built = netron_build_date()
        if built is not None:
            last_day = built + datetime.timedelta(days=MAX_BUILD_AGE_DAYS)
            print(f"viewer       Netron page built {built.isoformat()}, "
                  f"renders until {last_day.isoformat()}",
                  file=out)
        expired = netron_problem()
        if expired:  # not fatal: show() falls back to the static drawing
            notes.append(f"{expired} (until then onnxlearn.show draws static pictures)")

    if _installed_version("onnxruntime"):
        import onnxruntime

        print(f"providers    {', '.join(onnxruntime.get_available_providers())}", file=out)
    try:
        folder = models_dir()
        writable = is_writable(folder)
    except CacheNotWritableError:  # it cannot even be created
        folder, writable = _configured_models_dir(), False
    print(f"models/      {folder} ({'writable' if writable else 'NOT writable'})", file=out)
    if not writable:
        problems.append(f"models folder {folder} is not writable: chmod u+w it, "
                        f"or set {MODELS_DIR_ENV} to a writable folder")

    for note in notes:
        print(f"NOTE: {note}", file=out)
    for problem in problems:
        print(f"PROBLEM: {problem}", file=out)
    print("All set." if not problems else f"{len(problems)} problem(s) found.", file=out)
    return 1 if problems else 0


def inspect_model(model, *, as_json: bool = False, load_external_data: bool = False,
                  out=None) -> int:
    """Print the anatomy of a model (:func:`onnxlearn.summarize`), as text or JSON.

    The JSON has sorted keys and holds no absolute path or time, so the same
    model always prints the same JSON.

    Returns
    -------
    int
        0 when ``onnx.checker`` accepts the model, 1 when it complains (the
        summary is printed either way).
    """
    import json

    from .anatomy import summarize

    summary = summarize(model, load_external_data=load_external_data)
    text = (json.dumps(summary.to_dict(), sort_keys=True, indent=2, ensure_ascii=False)
            if as_json else repr(summary))
    print(text, file=out or sys.stdout)
    return 0 if summary.checker.valid else 1


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``onnxlearn`` command."""
    parser = argparse.ArgumentParser(
        prog="onnxlearn", description="Helpers of the ONNX course: check the setup, "
                                      "inspect, draw, view and benchmark .onnx files.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("doctor", help="check that everything the course needs is installed")
    inspect = commands.add_parser(
        "inspect", help="summarise an .onnx file: header, inputs, outputs, operators, "
                        "weights, checker (exit status 1 if the checker complains)")
    inspect.add_argument("model", metavar="MODEL", help="path of the .onnx file")
    inspect.add_argument("--json", action="store_true",
                         help="print stable, machine-readable JSON")
    inspect.add_argument("--load-external-data", action="store_true",
                         help="also read external-data payloads (by default only their "
                              "sizes are looked up)")
    view = commands.add_parser(
        "view", help="serve models with Netron on 127.0.0.1, print their URLs, wait for Ctrl-C")
    view.add_argument("models", metavar="MODEL", nargs="+", help=".onnx files")
    view.add_argument("--ports", default=None,
                      help="ports to use, e.g. 20000-20009 (default: any free port)")
    draw = commands.add_parser("draw", help="save a static drawing of a model's graph")
    draw.add_argument("model", metavar="MODEL", help="path of the .onnx file")
    draw.add_argument("-o", "--output", required=True, metavar="FILE",
                      help="where to save it: a .png or .svg file name")
    draw.add_argument("--initializers", choices=("fold", "show", "hide"), default="fold",
                      help="fold weights into their node's box, draw them apart, or hide them")
    draw.add_argument("--max-nodes", type=int, default=300,
                      help="draw at most this many operator nodes (default 300)")
    dtypes = commands.add_parser(
        "dtypes", help="every ONNX element type and whether onnxruntime's CPU provider runs it")
    dtypes.add_argument("names", metavar="NAME", nargs="*",
                        help="only these types, e.g. float16 bfloat16 (default: all)")
    dtypes.add_argument("--no-probe", action="store_true",
                        help="only the static table, without running onnxruntime")
    dtypes.add_argument("--refresh", action="store_true",
                        help="run the probe again instead of using its cached result")
    dtypes.add_argument("--html", action="store_true", help="print an HTML table")
    return parser


def main(argv=None) -> int:
    """Entry point of the ``onnxlearn`` command; returns the exit status."""
    from .errors import OnnxLearnError

    args = build_parser().parse_args(argv)
    try:
        if args.command == "doctor":
            return doctor()
        if args.command == "inspect":
            return inspect_model(args.model, as_json=args.json,
                                 load_external_data=args.load_external_data)
        if args.command == "view":
            from .netron import view_until_interrupted

            return view_until_interrupted(args.models, ports=args.ports)
        if args.command == "draw":
            from .draw import draw

            saved = draw(args.model, initializers=args.initializers,
                         max_nodes=args.max_nodes, path=args.output)
            print(f"saved {args.output}: {saved!r}")
            return 0
        if args.command == "dtypes":
            from .dtypes import dtype_table

            table = dtype_table(probe=not args.no_probe, refresh=args.refresh,
                                names=args.names or None)
            print(table.to_html() if args.html else table.to_text())
            return 0
    except OnnxLearnError as exc:
        print(f"onnxlearn {args.command}: {exc}", file=sys.stderr)
        return 2
    return 0  # pragma: no cover - argparse rejects unknown commands


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
