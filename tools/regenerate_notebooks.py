"""Execute course notebooks from their py:percent sources and store the results.

For each source ``notebook_sources/<name>.py`` this builds
``notebooks/<name>.ipynb``, runs it top to bottom in a fresh kernel from the
notebook's own folder, writes it with outputs and execution counts, and
rewrites the .py from the executed notebook so the pair stays in sync. A
notebook edited in JupyterLab (and not its .py) is taken as the newer side.

Usage (through the course script, which sets the environment up):
    python3 course.py notebooks                      # all of them
    python3 course.py notebooks 01_why_onnx          # by name, without extension
"""

from __future__ import annotations

import hashlib
import sys
import time
from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
SOURCES = ROOT / "notebook_sources"
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


def pairs(names: list[str]):
    """Yield (source .py, notebook .ipynb) for the requested names (all if none)."""
    stems = set()
    for folder, pattern in ((SOURCES, "*.py"), (NOTEBOOKS, "*.ipynb")):
        for path in folder.rglob(pattern):
            if ".ipynb_checkpoints" not in path.parts:
                stems.add(path.relative_to(folder).with_suffix("").as_posix())
    if names:
        unknown = sorted(set(names) - stems)
        if unknown:
            sys.exit(f"unknown notebooks: {', '.join(unknown)}; known: {', '.join(sorted(stems))}")
        stems = set(names)
    for stem in sorted(stems):
        yield SOURCES / f"{stem}.py", NOTEBOOKS / f"{stem}.ipynb"


def load_newer(source: Path, notebook: Path) -> nbformat.NotebookNode:
    """The notebook to execute: from whichever side of the pair was edited last."""
    if notebook.exists() and (not source.exists()
                              or notebook.stat().st_mtime > source.stat().st_mtime):
        return jupytext.read(notebook)
    return jupytext.read(source, fmt="py:percent")


def stable_cell_ids(nb: nbformat.NotebookNode) -> None:
    """Name each cell after its source, so regenerating does not churn ids in diffs."""
    seen: dict = {}
    for cell in nb.cells:
        digest = hashlib.sha1(cell.source.encode()).hexdigest()[:8]
        seen[digest] = seen.get(digest, 0) + 1
        cell.id = digest if seen[digest] == 1 else f"{digest}-{seen[digest]}"


def execute(source: Path, notebook: Path) -> float:
    nb = load_newer(source, notebook)
    stable_cell_ids(nb)
    nb.metadata["kernelspec"] = KERNELSPEC
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    notebook.parent.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(notebook.parent)}}).execute()
    elapsed = time.perf_counter() - start
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    nbformat.write(nb, notebook)
    source.parent.mkdir(parents=True, exist_ok=True)
    source.write_text(jupytext.writes(nb, fmt="py:percent"))
    return elapsed


def main(names: list[str]) -> int:
    total = 0.0
    for source, notebook in pairs(names):
        elapsed = execute(source, notebook)
        total += elapsed
        print(f"{notebook.relative_to(ROOT)}: executed in {elapsed:.1f} s", flush=True)
    print(f"total: {total:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
