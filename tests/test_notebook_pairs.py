"""Every notebook is paired with its py:percent source, in sync, and stored fully executed."""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
SOURCES = ROOT / "notebook_sources"


def stems(folder: Path, pattern: str) -> set:
    return {p.relative_to(folder).with_suffix("").as_posix() for p in folder.rglob(pattern)
            if ".ipynb_checkpoints" not in p.parts}


NOTEBOOK_STEMS = sorted(stems(NOTEBOOKS, "*.ipynb")) if NOTEBOOKS.is_dir() else []
needs_notebooks = pytest.mark.skipif(not NOTEBOOK_STEMS, reason="no notebooks in notebooks/ yet")
each_notebook = pytest.mark.parametrize("stem", NOTEBOOK_STEMS or ["(none)"])


def test_every_notebook_has_a_source_and_every_source_a_notebook():
    sources = stems(SOURCES, "*.py") if SOURCES.is_dir() else set()
    assert sorted(sources - set(NOTEBOOK_STEMS)) == [], "sources without a notebook"
    assert sorted(set(NOTEBOOK_STEMS) - sources) == [], "notebooks without a source"


@needs_notebooks
@each_notebook
def test_source_is_in_sync_with_the_notebook(stem):
    import jupytext

    notebook = jupytext.read(NOTEBOOKS / f"{stem}.ipynb")
    expected = jupytext.writes(notebook, fmt="py:percent")
    actual = (SOURCES / f"{stem}.py").read_text()
    assert actual == expected, (f"notebook_sources/{stem}.py is out of sync: run "
                                f"`python3 course.py notebooks {stem}`")


@needs_notebooks
@each_notebook
def test_notebook_is_stored_executed_in_order(stem):
    import nbformat

    notebook = nbformat.read(NOTEBOOKS / f"{stem}.ipynb", as_version=4)
    nbformat.validate(notebook)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert code, "a notebook without code cells"
    for index, cell in enumerate(code):
        if cell.outputs or cell.source.strip():
            assert cell.execution_count is not None, \
                f"code cell {index} ({cell.source[:40]!r}) was not executed"
    counts = [cell.execution_count for cell in code if cell.execution_count is not None]
    assert counts == list(range(1, len(counts) + 1)), "not run top to bottom in one kernel"
