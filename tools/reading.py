"""Reading an input file of any supported kind: the dispatch to the PDF, Document
Intelligence, CSV, text and Word readers, and finding the files in a folder. (The types
they all produce live in documents.py, which imports no reader.)"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator
from pathlib import Path

from pydantic import BaseModel

from ..errors import InputError
from .csv_reader import read_csv
from .documents import SUPPORTED_SUFFIXES, Document, ReaderName, kind_of
from .processes import available_cpus, pool_can_start, reading_context
from .text_reader import read_docx, read_text


class IntakeOptions(BaseModel):
    reader: ReaderName = "pymupdf"  # for PDFs
    figures: bool = True  # locate figures and render image-only pages for the vision model


def read_document(path: str | Path, options: IntakeOptions | None = None) -> Document:
    """Read any supported file; an unsupported, unreadable or broken one is an `InputError`
    naming it and the cause, so a run over a folder skips it and reads the rest."""
    path = Path(path)
    if not path.is_file():  # a broken link, a pipe (reading one would wait forever), a device
        raise InputError(path, "no such file (a broken link?)" if not path.exists() else "not a regular file")
    try:
        return _read(path, options or IntakeOptions())
    except InputError:
        raise
    except OSError as exc:
        raise InputError(path, f"cannot read ({exc.strerror or exc})") from None
    except Exception as exc:  # a parser's own failure on a malformed file: this file only
        raise InputError(path, f"cannot read ({type(exc).__name__}: {str(exc)[:200]})") from None


def _read(path: Path, options: IntakeOptions) -> Document:
    kind = kind_of(path)
    if kind == "pdf":
        if options.reader == "docai":
            from .docai_reader import read_pdf_docai  # the Azure SDK: only when asked for

            return read_pdf_docai(path, figures=options.figures)
        from .pdf_reader import read_pdf  # PyMuPDF: only for PDFs

        return read_pdf(path, figures=options.figures)
    if kind == "csv":
        return read_csv(path)
    if kind == "text":
        return read_text(path)
    if kind == "docx":
        return read_docx(path)
    supported = ", ".join(SUPPORTED_SUFFIXES)
    raise InputError(path, f"unsupported file type {path.suffix or '(no extension)'!r} (supported: {supported})")


def find_inputs(path: str | Path) -> list[Path]:
    """A file → [it]; a folder → every visible file in it (recursive, sorted).

    Files of unsupported types in a folder are returned too, so the run reports them as
    skipped instead of ignoring them silently.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(path, "no such file or folder")
    if path.is_dir():
        # Everything but folders, broken links and pipes included: `read_document` reports
        # why it skips those rather than the run passing over them in silence.
        files = sorted(
            p for p in path.rglob("*")
            if not p.is_dir() and not any(part.startswith(".") for part in p.relative_to(path).parts)
        )
        if not files:
            raise InputError(path, "folder is empty")
        return files
    return [path]


def input_signature(paths: list[Path]) -> list[str]:
    """What identifies a run's input files before they are read: path, size and modification
    time (as make and rsync tell a changed file), so a resumed run can refuse changed inputs
    without reading them first."""
    out = []
    for path in paths:
        try:
            stat = path.stat()
            out.append(f"{path}:{stat.st_size}:{stat.st_mtime_ns}")
        except OSError:
            out.append(f"{path}:unreadable")
    return out


FILES_PER_PROCESS = 4  # fewer files are read in this process: a worker costs ~0.5 s to start


def _reading_processes(paths: list[Path], options: IntakeOptions) -> int:
    """How many processes read these files: one per CPU for many local files, else 0 (read here;
    Document Intelligence is a service with its own limits)."""
    processes = min(available_cpus(), len(paths) // FILES_PER_PROCESS)
    return processes if processes >= 2 and options.reader == "pymupdf" and pool_can_start() else 0


def read_documents(paths: list[Path], options: IntakeOptions | None = None) -> list[Document | InputError]:
    """Every file read (or the InputError that says why not), in the order given. Many local
    files are read by one process per CPU; Document Intelligence, a service with its own
    limits, reads them one by one here."""
    options = options or IntakeOptions()
    if not (processes := _reading_processes(paths, options)):
        return [_read_or_error(path, options) for path in paths]
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=processes, mp_context=reading_context()) as pool:
        return list(pool.map(_read_or_error, paths, [options] * len(paths), chunksize=2))


DOCAI_IN_FLIGHT = 4  # Document Intelligence calls at once (its S0 tier takes 15 a second)


async def read_stream(paths: list[Path], options: IntakeOptions | None = None
                      ) -> AsyncIterator[tuple[Path, Document | InputError]]:
    """Every file read (or the InputError that says why not), in the order given, handed over
    as soon as it is read while the caller goes on: many local files by one process per CPU,
    Document Intelligence several calls at once, else one file at a time in a thread. At most
    a few files are read ahead of the caller, so a large corpus is never held in memory whole."""
    options = options or IntakeOptions()
    pool = None
    if processes := _reading_processes(paths, options):
        from concurrent.futures import ProcessPoolExecutor

        pool = ProcessPoolExecutor(max_workers=processes, mp_context=reading_context())
        ahead = 2 * processes
    else:
        ahead = DOCAI_IN_FLIGHT if options.reader == "docai" else 1

    def start(path: Path, here: bool = False) -> asyncio.Future:
        if pool is not None and not here:
            return asyncio.wrap_future(pool.submit(_read_or_error, path, options))
        return asyncio.ensure_future(asyncio.to_thread(_read_or_error, path, options))

    # The first file is read here while the pool's processes start (half a second or more):
    # its items can run by then.
    reading = deque(start(path, here=index == 0) for index, path in enumerate(paths[:ahead]))
    try:
        for index, path in enumerate(paths):
            read = await reading.popleft()
            if index + ahead < len(paths):
                reading.append(start(paths[index + ahead]))
            yield path, read
    finally:  # the caller stopped early (--limit, a stopped run): read no further
        for future in reading:
            future.cancel()
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)


def _read_or_error(path: Path, options: IntakeOptions) -> Document | InputError:
    try:
        return read_document(path, options)
    except InputError as exc:
        return exc


