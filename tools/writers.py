"""Dataset writers: UTF-8 without BOM, one JSON object per line, `ensure_ascii=False`.

Lines are appended and flushed per item, so a crash loses at most the items in flight;
`read_records` skips a torn last line left by a crash.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import jsonlines
from pydantic import BaseModel

from ..errors import InputError


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False)


class JsonlAppender:
    """Appends records to a JSONL file, durable after each `write_many`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file = open(path, "a", encoding="utf-8", newline="\n")
        self._writer = jsonlines.Writer(self._file, dumps=_dumps, flush=False)

    def write_many(self, records: Iterable[BaseModel | dict]) -> None:
        for record in records:
            self._writer.write(record.model_dump(mode="json") if isinstance(record, BaseModel) else record)
        self._file.flush()
        os.fsync(self._file.fileno())

    def close(self) -> None:
        self._writer.close()
        self._file.close()


def read_records(path: Path) -> Iterator[dict]:
    """Records of a JSONL file the run wrote; a torn (unparseable) final line is ignored. Any
    other line that is not a JSON object means the file was edited or damaged: an InputError
    naming the file and the line, never a traceback."""
    if not path.exists():
        return
    with open(path, encoding="utf-8", errors="replace") as f:
        lines = f.read().splitlines()
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            if number == len(lines):
                return  # torn by a crash mid-write
            raise InputError(path, f"line {number}: not valid JSON ({exc.msg}); the file was edited or damaged, "
                                   "so fix or delete that line") from None
        if not isinstance(record, dict):
            raise InputError(path, f"line {number}: a JSON {type(record).__name__}, not a record object; "
                                   "the file was edited or damaged, so fix or delete that line")
        yield record


def read_manifest(path: Path) -> dict[str, Any]:
    """A run's manifest.json: a JSON object, or an InputError saying it is damaged."""
    try:
        manifest = json.loads(path.read_text(encoding="utf-8", errors="replace"))
    except FileNotFoundError:
        raise InputError(path, "no such file (not a run's output folder?)") from None
    except OSError as exc:
        raise InputError(path, f"cannot read ({exc.strerror or exc})") from None
    except json.JSONDecodeError as exc:
        raise InputError(path, f"damaged: not valid JSON (line {exc.lineno}: {exc.msg}); the run's records are "
                               "intact, but it cannot be resumed or described from it: start a new --out") from None
    if not isinstance(manifest, dict):
        raise InputError(path, "damaged: not a JSON object; start a new --out")
    return manifest


def rewrite_records(path: Path, records: Iterable[dict]) -> None:
    """Atomically replace a JSONL file (used when resuming drops unfinished items)."""
    replace_durably(path, "".join(_dumps(record) + "\n" for record in records))


def replace_durably(path: Path, text: str) -> None:
    """Replace `path` with `text` so that a crash or a power cut leaves the old file or the new
    one, never an empty or torn one: write a temporary file, fsync it, rename it over `path`,
    then fsync the folder (which holds the rename)."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    _fsync_folder(path.parent)


def _fsync_folder(folder: Path) -> None:
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:  # a platform that cannot open folders (Windows): the rename is all there is
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def write_json(path: Path, obj: Any) -> None:
    """Atomic, durable JSON file write (manifest, curriculum)."""
    replace_durably(path, json.dumps(obj, ensure_ascii=False, indent=2) + "\n")


LOCK = ".lock"


class FolderBusy(Exception):
    """Another process holds the output folder's lock."""


@contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on an output folder for as long as a run writes to it: a second run
    on the same folder (which would otherwise "resume" it and replace the files the first is
    writing) is refused with the holder's pid and start time. Worker processes forked while it is
    held share it. Where the OS has no flock (Windows), runs are not locked."""
    try:
        import fcntl
    except ImportError:
        yield
        return
    folder.mkdir(parents=True, exist_ok=True)
    handle = open(folder / LOCK, "a+", encoding="utf-8")
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            raise FolderBusy(handle.read().strip() or "another process") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}, started {datetime.now(timezone.utc).isoformat(timespec='seconds')}")
        handle.flush()
        yield
    finally:
        handle.close()  # closing the last descriptor releases the lock
