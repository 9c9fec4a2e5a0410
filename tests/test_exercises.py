"""onnxlearn.exercises: the self-check framework; check() and evaluate() never raise."""

import pytest

from onnxlearn import exercises
from onnxlearn.exercises import Feedback, check, evaluate, exercise


@pytest.fixture
def registered():
    """Register throwaway exercises for one test and remove them afterwards."""
    added = []

    def register(exercise_id, fn, hint="think again."):
        exercise(exercise_id, hint=hint)(fn)
        added.append(exercise_id)

    yield register
    for exercise_id in added:
        exercises._REGISTRY.pop(exercise_id, None)


@pytest.mark.parametrize("answer", [None, ...])
def test_unanswered_prints_the_hint(answer):
    feedback = evaluate("00.demo", answer)
    assert feedback.status == "unanswered"
    assert not feedback.passed
    assert feedback.message == ("⏳ Exercise 00.demo is not answered yet. "
                                "Hint: assign 42 to `answer`.")


def test_correct_answer():
    feedback = evaluate("00.demo", 42)
    assert feedback.status == "correct" and feedback.passed
    assert feedback.message == "✅ Exercise 00.demo: correct. 42 it is."
    assert str(feedback) == feedback.message
    assert feedback.exercise_id == "00.demo"


def test_wrong_answer_says_why_and_gives_the_hint():
    feedback = evaluate("00.demo", 41)
    assert feedback.status == "incorrect" and not feedback.passed
    assert feedback.message == ("❌ Exercise 00.demo: not yet. 41 is not the answer. "
                                "Hint: assign 42 to `answer`.")


def test_check_prints_the_feedback(capsys):
    check("00.demo", 42)
    check("00.demo", None)
    out = capsys.readouterr().out.splitlines()
    assert out == [evaluate("00.demo", 42).message, evaluate("00.demo", None).message]


def test_a_check_that_raises_is_reported_not_raised(registered):
    def broken(answer):
        return 1 / 0

    registered("test.raises", broken, hint="divide by something else.")
    feedback = evaluate("test.raises", 3)
    assert feedback.status == "incorrect"
    assert "your answer could not be checked (ZeroDivisionError: division by zero)" \
        in feedback.message
    assert feedback.message.endswith("Hint: divide by something else.")


def test_an_answer_of_the_wrong_type_is_reported_not_raised(registered):
    registered("test.number", lambda answer: (answer + 1 == 3, "right"))
    feedback = evaluate("test.number", "two")
    assert feedback.status == "incorrect"
    assert "could not be checked (TypeError:" in feedback.message


def test_a_check_returning_something_odd_is_reported_not_raised(registered):
    registered("test.odd", lambda answer: True)  # should return (passed, message)
    assert evaluate("test.odd", 1).status == "incorrect"


def test_detail_ending_with_a_period_gives_no_double_period(registered):
    registered("test.period", lambda answer: (False, "close, but not quite."), hint="look up.")
    message = evaluate("test.period", 1).message
    assert message == "❌ Exercise test.period: not yet. close, but not quite. Hint: look up."


@pytest.mark.parametrize("exercise_id", ["99.1", "00.nope", "", "nonsense", 1.1, None, ["01.1"]])
def test_unknown_exercise_id_is_reported_not_raised(exercise_id, capsys):
    feedback = evaluate(exercise_id, 42)
    assert feedback.status == "incorrect"
    assert feedback.message.startswith(f"❓ There is no exercise {exercise_id!r} (known: ")
    assert "00.demo" in feedback.message
    check(exercise_id, 42)
    assert capsys.readouterr().out.strip() == feedback.message


def test_chapter_module_is_imported_on_first_use():
    import importlib.util
    import subprocess
    import sys

    if importlib.util.find_spec("onnxlearn.exercises.ch01") is None:
        pytest.skip("chapter 01 has no exercises yet")
    script = ("from onnxlearn.exercises import _REGISTRY, evaluate\n"
              "print('01.1' in _REGISTRY, evaluate('01.1', None).status, '01.1' in _REGISTRY)")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            check=True)
    assert result.stdout.split() == ["False", "unanswered", "True"]


def test_registration_returns_the_function_unchanged():
    def fn(answer):
        return True, "ok"

    assert exercise("test.same", hint="h")(fn) is fn
    exercises._REGISTRY.pop("test.same")


def test_feedback_is_a_value():
    assert Feedback("1", "correct", "m") == Feedback("1", "correct", "m")
