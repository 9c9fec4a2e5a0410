"""Where course models live, and how they are cached safely.

Notebooks build the course's models on demand and keep them in ``models/``,
so any chapter runs alone from a fresh kernel. A cached artifact is written
to a temporary file and moved into place in one step, so a half-written file
is never loaded. Next to each artifact a small ``.meta.json`` records a
fingerprint of the recipe and library versions; a different fingerprint, a
missing one, or an artifact that fails to load means the artifact is rebuilt.

Examples
--------
>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> path = cached_file(folder / "hello.txt", lambda p: p.write_text("hi"),
...                    fingerprint={"recipe": 1})
>>> path.read_text()
'hi'
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

from .errors import CacheNotWritableError

MODELS_DIR_ENV = "ONNXLEARN_MODELS_DIR"


def models_dir() -> Path:
    """Return the folder where course models are written, creating it if needed.

    The folder is, in order of preference:

    1. the ``ONNXLEARN_MODELS_DIR`` environment variable, if set;
    2. ``models/`` at the root of the course checkout (next to ``notebooks/``);
    3. ``~/.cache/onnxlearn/models`` for an installed, non-editable package.

    Returns
    -------
    pathlib.Path
        An absolute path to an existing folder.

    Raises
    ------
    CacheNotWritableError
        If the folder cannot be created.

    Examples
    --------
    >>> models_dir().is_dir()
    True
    """
    folder = _configured_models_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _not_writable(folder, exc) from exc
    return folder.resolve()


def _configured_models_dir() -> Path:
    """The folder :func:`models_dir` uses, without creating it."""
    override = os.environ.get(MODELS_DIR_ENV)
    if override:
        return Path(override).expanduser()
    checkout = Path(__file__).resolve().parent.parent
    if (checkout / "notebooks").is_dir() and (checkout / "pyproject.toml").is_file():
        return checkout / "models"
    return Path.home() / ".cache" / "onnxlearn" / "models"


def is_writable(folder: Path) -> bool:
    """Tell whether a file can really be created in ``folder``.

    ``os.access`` is not enough (root ignores permission bits, read-only
    mounts are not reported), so this creates and removes a probe file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> is_writable(pathlib.Path(tempfile.mkdtemp()))
    True
    """
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".probe-"):
            return True
    except OSError:
        return False


def _not_writable(folder: Path, exc: BaseException) -> CacheNotWritableError:
    return CacheNotWritableError(
        "cannot write course models",
        expected=f"a writable folder at {folder}",
        given=f"{type(exc).__name__}: {exc}",
        fix=f"make the folder writable (chmod u+w {folder}) or point "
            f"{MODELS_DIR_ENV} at a writable folder",
    )


def _meta_path(path: Path) -> Path:
    return path.with_name(path.name + ".meta.json")


def _read_fingerprint(path: Path) -> dict | None:
    try:
        return json.loads(_meta_path(path).read_text())
    except (OSError, ValueError):
        return None


def _atomic_write_text(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def cached_file(path: Path | str, build: Callable[[Path], object], *,
                fingerprint: Mapping[str, object],
                is_valid: Callable[[Path], bool] | None = None) -> Path:
    """Return ``path``, building it first if it is missing, stale or unreadable.

    Parameters
    ----------
    path : path-like
        Final location of the artifact.
    build : callable
        ``build(tmp_path)`` writes the artifact to ``tmp_path``. It is never
        given the final path, so an interrupted build leaves no partial file.
    fingerprint : mapping
        JSON-serialisable description of the recipe (its version, library
        versions...). When it differs from the stored one, the file is rebuilt.
    is_valid : callable, optional
        ``is_valid(path) -> bool`` checks an existing artifact (for example by
        loading it). A ``False`` or an exception means rebuild.

    Returns
    -------
    pathlib.Path
        The path of an up-to-date artifact.

    Raises
    ------
    CacheNotWritableError
        If the artifact must be (re)built but its folder is read-only.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> calls = []
    >>> build = lambda p: (calls.append(1), p.write_text("x"))
    >>> _ = cached_file(folder / "a.txt", build, fingerprint={"v": 1})
    >>> _ = cached_file(folder / "a.txt", build, fingerprint={"v": 1})
    >>> len(calls)  # built once, then reused
    1
    """
    path = Path(path)
    wanted = json.loads(json.dumps(dict(fingerprint), sort_keys=True))
    if path.is_file() and _read_fingerprint(path) == wanted:
        try:
            if is_valid is None or is_valid(path):
                return path
        except Exception:  # an unreadable artifact is simply rebuilt
            pass

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                                        suffix=".tmp")
        os.close(fd)
    except OSError as exc:
        raise _not_writable(path.parent, exc) from exc
    tmp = Path(tmp_name)
    try:
        build(tmp)
        os.replace(tmp, path)
        _atomic_write_text(_meta_path(path), json.dumps(wanted, indent=1, sort_keys=True))
    except OSError as exc:
        if isinstance(exc, PermissionError) or not is_writable(path.parent):
            raise _not_writable(path.parent, exc) from exc
        raise
    finally:
        tmp.unlink(missing_ok=True)
    return path
