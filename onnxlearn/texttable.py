"""Rows of cells as aligned plain text, for the text reprs of onnxlearn's tables.

Examples
--------
>>> print(aligned_text([("name", "bits"), ("FLOAT", "32"), ("INT4", "4")], right={1}))
name   bits
FLOAT    32
INT4      4
"""

from __future__ import annotations

from collections.abc import Collection, Sequence


def aligned_text(rows: Sequence[Sequence[str]], *, right: Collection[int] = ()) -> str:
    """Join ``rows`` into lines whose columns line up, two spaces apart.

    Parameters
    ----------
    rows : sequence of sequences of str
        The header first, if any; every row has the same number of cells.
    right : collection of int, optional
        Indexes of the columns to align right (numbers); the others align left.

    Returns
    -------
    str
        The lines, without trailing spaces.
    """
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.rjust(width) if column in right else cell.ljust(width)
                  for column, (cell, width) in enumerate(zip(row, widths, strict=True))).rstrip()
        for row in rows)
