"""Self-check cells for the course's exercises.

Each exercise in a chapter is followed by a cell such as::

    onnxlearn.exercises.check("01.1", answer)

which prints feedback and never raises: a hint while the answer is still
``None`` (or ``...``), a confirmation when it is right, and the reason and
the hint when it is not. The checks live in one module per chapter
(``onnxlearn/exercises/ch01.py``...) and compute the expected answer live,
on the learner's machine, rather than comparing to a stored number.

Writing a check::

    from onnxlearn.exercises import exercise

    @exercise("01.1", hint="Use os.path.getsize on both files.")
    def size_ratio(answer):
        expected = ...                      # computed here, live
        if abs(answer - expected) > 0.05:
            return False, f"you gave {answer:.2f}"
        return True, f"the ONNX file is {expected:.2f}x the pickle"

Examples
--------
>>> check("00.demo", None)
⏳ Exercise 00.demo is not answered yet. Hint: assign 42 to `answer`.
>>> check("00.demo", 42)
✅ Exercise 00.demo: correct. 42 it is.
>>> check("00.demo", 41)
❌ Exercise 00.demo: not yet. 41 is not the answer. Hint: assign 42 to `answer`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Exercise:
    """One registered exercise: its id, its hint and its check function."""

    id: str
    hint: str
    check: Callable[[object], tuple]


_REGISTRY: dict = {}


def exercise(exercise_id: str, *, hint: str):
    """Register ``fn(answer) -> (passed, message)`` as the check of ``exercise_id``."""

    def register(fn):
        _REGISTRY[exercise_id] = Exercise(exercise_id, hint, fn)
        return fn

    return register


@dataclass(frozen=True)
class Feedback:
    """The outcome of a self-check: ``status`` is "unanswered", "correct" or "incorrect"."""

    exercise_id: str
    status: str
    message: str

    @property
    def passed(self) -> bool:
        return self.status == "correct"

    def __str__(self) -> str:
        return self.message


def _lookup(exercise_id: str) -> Exercise | None:
    if not isinstance(exercise_id, str):  # e.g. 1.1 instead of "01.1"
        return None
    if exercise_id not in _REGISTRY:
        chapter = exercise_id.split(".", 1)[0]
        try:
            importlib.import_module(f"{__name__}.ch{chapter}")
        except ImportError:
            return None
    return _REGISTRY.get(exercise_id)


def evaluate(exercise_id: str, answer) -> Feedback:
    """Check ``answer`` and return a :class:`Feedback`, without printing. Never raises."""
    found = _lookup(exercise_id)
    if found is None:
        known = ", ".join(sorted(_REGISTRY)) or "none loaded"
        return Feedback(exercise_id, "incorrect",
                        f"❓ There is no exercise {exercise_id!r} (known: {known}).")
    if answer is None or answer is Ellipsis:
        return Feedback(exercise_id, "unanswered",
                        f"⏳ Exercise {exercise_id} is not answered yet. Hint: {found.hint}")
    try:
        passed, detail = found.check(answer)
    except Exception as exc:  # a self-check must never raise into the learner's face
        passed, detail = False, f"your answer could not be checked ({type(exc).__name__}: {exc})"
    if passed:
        return Feedback(exercise_id, "correct", f"✅ Exercise {exercise_id}: correct. {detail}")
    return Feedback(exercise_id, "incorrect",
                    f"❌ Exercise {exercise_id}: not yet. {detail}. Hint: {found.hint}"
                    .replace(".. Hint", ". Hint"))


def check(exercise_id: str, answer) -> None:
    """Print feedback on ``answer`` to exercise ``exercise_id``; never raises.

    Parameters
    ----------
    exercise_id : str
        ``"<chapter>.<number>"``, e.g. ``"01.2"``.
    answer : object
        The learner's answer; ``None`` or ``...`` means not answered yet.

    See Also
    --------
    evaluate : the same check, returning a :class:`Feedback` instead of printing.
    """
    print(evaluate(exercise_id, answer).message)


@exercise("00.demo", hint="assign 42 to `answer`.")
def _demo(answer):
    return (answer == 42, "42 it is." if answer == 42 else f"{answer!r} is not the answer")
