"""onnxlearn.cache: where models live, and build-once caching that never leaves half files."""

import json
import sys
from pathlib import Path

import pytest

from onnxlearn import models_dir
from onnxlearn.cache import MODELS_DIR_ENV, cached_file, is_writable
from onnxlearn.errors import CacheNotWritableError

ROOT = Path(__file__).resolve().parents[1]


class Builder:
    """A build function that counts its calls and writes a recognisable text."""

    def __init__(self, text="artifact"):
        self.text = text
        self.calls = 0

    def __call__(self, tmp: Path) -> None:
        self.calls += 1
        tmp.write_text(f"{self.text} #{self.calls}")


def leftovers(folder: Path) -> list:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# --------------------------------------------------------------------------- models_dir

def test_models_dir_uses_and_creates_the_environment_override(tmp_path, monkeypatch):
    wanted = tmp_path / "nested" / "models"
    monkeypatch.setenv(MODELS_DIR_ENV, str(wanted))
    folder = models_dir()
    assert folder == wanted.resolve()
    assert folder.is_dir()


def test_models_dir_defaults_to_the_checkouts_models_folder(monkeypatch):
    monkeypatch.delenv(MODELS_DIR_ENV)
    assert models_dir() == (ROOT / "models").resolve()


def test_models_dir_that_cannot_be_created_names_the_folder_and_the_fix(tmp_path, monkeypatch):
    regular_file = tmp_path / "a_file"
    regular_file.write_text("not a folder")
    monkeypatch.setenv(MODELS_DIR_ENV, str(regular_file / "models"))
    with pytest.raises(CacheNotWritableError) as caught:
        models_dir()
    err = caught.value
    assert err.problem == "cannot write course models"
    assert str(regular_file / "models") in err.expected
    assert "NotADirectoryError" in err.given or "FileExistsError" in err.given
    assert MODELS_DIR_ENV in err.fix
    assert isinstance(err, PermissionError)


# --------------------------------------------------------------------------- is_writable

def test_is_writable_for_a_folder_and_leaves_no_probe_behind(tmp_path):
    assert is_writable(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_is_writable_is_false_where_no_file_can_be_created(tmp_path):
    regular_file = tmp_path / "a_file"
    regular_file.write_text("x")
    assert not is_writable(tmp_path / "missing")
    assert not is_writable(regular_file)


# --------------------------------------------------------------------------- cached_file

def test_builds_once_then_reuses(tmp_path):
    build = Builder()
    first = cached_file(tmp_path / "a.txt", build, fingerprint={"recipe": 1})
    second = cached_file(tmp_path / "a.txt", build, fingerprint={"recipe": 1})
    assert first == second == tmp_path / "a.txt"
    assert build.calls == 1
    assert first.read_text() == "artifact #1"
    meta = json.loads((tmp_path / "a.txt.meta.json").read_text())
    assert meta == {"recipe": 1}
    assert leftovers(tmp_path) == []


def test_build_gets_a_temporary_path_never_the_final_one(tmp_path):
    seen = []
    cached_file(tmp_path / "a.txt", lambda tmp: (seen.append(tmp), tmp.write_text("x")),
                fingerprint={})
    assert seen[0] != tmp_path / "a.txt"
    assert seen[0].parent == tmp_path
    assert not seen[0].exists()


def test_fingerprint_key_order_and_tuples_do_not_cause_a_rebuild(tmp_path):
    build = Builder()
    cached_file(tmp_path / "a.txt", build, fingerprint={"a": 1, "b": (1, 2)})
    cached_file(tmp_path / "a.txt", build, fingerprint={"b": [1, 2], "a": 1})
    assert build.calls == 1


def test_stale_fingerprint_rebuilds(tmp_path):
    build = Builder()
    cached_file(tmp_path / "a.txt", build, fingerprint={"sklearn": "1.0"})
    path = cached_file(tmp_path / "a.txt", build, fingerprint={"sklearn": "1.1"})
    assert build.calls == 2
    assert path.read_text() == "artifact #2"
    assert json.loads((tmp_path / "a.txt.meta.json").read_text()) == {"sklearn": "1.1"}


@pytest.mark.parametrize("damage", ["delete", "garbage", "empty"])
def test_missing_or_unreadable_fingerprint_rebuilds(tmp_path, damage):
    build = Builder()
    cached_file(tmp_path / "a.txt", build, fingerprint={"v": 1})
    meta = tmp_path / "a.txt.meta.json"
    if damage == "delete":
        meta.unlink()
    else:
        meta.write_text("{not json" if damage == "garbage" else "")
    cached_file(tmp_path / "a.txt", build, fingerprint={"v": 1})
    assert build.calls == 2
    assert json.loads(meta.read_text()) == {"v": 1}


def test_missing_artifact_with_a_fingerprint_rebuilds(tmp_path):
    build = Builder()
    cached_file(tmp_path / "a.txt", build, fingerprint={"v": 1})
    (tmp_path / "a.txt").unlink()
    path = cached_file(tmp_path / "a.txt", build, fingerprint={"v": 1})
    assert build.calls == 2
    assert path.read_text() == "artifact #2"


def _must_say_artifact(path: Path) -> bool:
    if not path.read_text().startswith("artifact"):
        raise ValueError("corrupt")
    return True


@pytest.mark.parametrize("corruption", ["garbage", ""])
def test_corrupt_artifact_is_rebuilt_when_is_valid_raises(tmp_path, corruption):
    build = Builder()
    cached_file(tmp_path / "a.txt", build, fingerprint={"v": 1}, is_valid=_must_say_artifact)
    (tmp_path / "a.txt").write_text(corruption)
    path = cached_file(tmp_path / "a.txt", build, fingerprint={"v": 1},
                       is_valid=_must_say_artifact)
    assert build.calls == 2
    assert path.read_text() == "artifact #2"


def test_artifact_is_rebuilt_when_is_valid_says_false(tmp_path):
    build = Builder()
    cached_file(tmp_path / "a.txt", build, fingerprint={"v": 1})
    cached_file(tmp_path / "a.txt", build, fingerprint={"v": 1}, is_valid=lambda p: False)
    assert build.calls == 2


def test_valid_artifact_is_kept(tmp_path):
    build = Builder()
    for _ in range(3):
        cached_file(tmp_path / "a.txt", build, fingerprint={"v": 1}, is_valid=_must_say_artifact)
    assert build.calls == 1


class BuildFailed(Exception):
    pass


def _half_write_then_fail(tmp: Path) -> None:
    tmp.write_text("half an artif")
    raise BuildFailed("interrupted")


def test_failed_build_leaves_no_file_and_no_temporary_file(tmp_path):
    with pytest.raises(BuildFailed):
        cached_file(tmp_path / "a.txt", _half_write_then_fail, fingerprint={"v": 1})
    assert list(tmp_path.iterdir()) == []


def test_failed_rebuild_keeps_the_previous_artifact_untouched(tmp_path):
    cached_file(tmp_path / "a.txt", Builder("old"), fingerprint={"v": 1})
    with pytest.raises(BuildFailed):
        cached_file(tmp_path / "a.txt", _half_write_then_fail, fingerprint={"v": 2})
    assert (tmp_path / "a.txt").read_text() == "old #1"
    assert json.loads((tmp_path / "a.txt.meta.json").read_text()) == {"v": 1}
    assert leftovers(tmp_path) == []
    # and the next call with the new recipe really rebuilds
    build = Builder("new")
    assert cached_file(tmp_path / "a.txt", build, fingerprint={"v": 2}).read_text() == "new #1"


def test_keyboard_interrupt_during_build_leaves_no_temporary_file(tmp_path):
    def interrupted(tmp):
        tmp.write_text("partial")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        cached_file(tmp_path / "a.txt", interrupted, fingerprint={})
    assert list(tmp_path.iterdir()) == []


def test_build_failing_with_an_os_error_in_a_writable_folder_is_not_disguised(tmp_path):
    def missing_input(tmp):
        open(tmp_path / "no-such-input.csv")

    with pytest.raises(FileNotFoundError) as caught:
        cached_file(tmp_path / "a.txt", missing_input, fingerprint={})
    assert not isinstance(caught.value, CacheNotWritableError)
    assert list(tmp_path.iterdir()) == []


def test_build_failing_with_permission_error_becomes_cache_not_writable(tmp_path):
    def refused(tmp):
        raise PermissionError(13, "Permission denied", str(tmp))

    with pytest.raises(CacheNotWritableError) as caught:
        cached_file(tmp_path / "a.txt", refused, fingerprint={})
    assert str(tmp_path) in caught.value.expected
    assert "PermissionError" in caught.value.given
    assert list(tmp_path.iterdir()) == []


def test_folder_below_a_regular_file_cannot_be_a_cache(tmp_path):
    regular_file = tmp_path / "a_file"
    regular_file.write_text("x")
    build = Builder()
    with pytest.raises(CacheNotWritableError) as caught:
        cached_file(regular_file / "models" / "a.txt", build, fingerprint={})
    assert build.calls == 0
    assert str(regular_file / "models") in caught.value.expected
    assert MODELS_DIR_ENV in caught.value.fix


# A real read-only folder (bind-mounted read-only, which root cannot write either)

_READ_ONLY_SCRIPT = """
import json, sys
from pathlib import Path
from onnxlearn.cache import cached_file, is_writable
from onnxlearn.errors import CacheNotWritableError

folder = Path(sys.argv[1])
print("writable", is_writable(folder))
calls = []
def build(tmp):
    calls.append(1)
    tmp.write_text("new")
# the cached artifact is up to date: reading works in a read-only folder
print("fresh", cached_file(folder / "a.txt", build, fingerprint={"v": 1}).read_text(), len(calls))
# a new recipe needs a rebuild, which cannot happen here
try:
    cached_file(folder / "a.txt", build, fingerprint={"v": 2})
except CacheNotWritableError as exc:
    print("error", json.dumps([exc.expected, exc.given, exc.fix]))
"""


def test_read_only_folder_serves_fresh_artifacts_and_refuses_rebuilds(tmp_path, run_read_only):
    folder = tmp_path / "models"
    folder.mkdir()
    cached_file(folder / "a.txt", lambda tmp: tmp.write_text("cached"), fingerprint={"v": 1})
    result = run_read_only(folder, [sys.executable, "-c", _READ_ONLY_SCRIPT, folder])
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "writable False"
    assert lines[1] == "fresh cached 0"
    expected, given, fix = json.loads(lines[2].removeprefix("error "))
    assert str(folder) in expected
    assert "Read-only file system" in given
    assert MODELS_DIR_ENV in fix
    assert (folder / "a.txt").read_text() == "cached"
    assert leftovers(folder) == []
