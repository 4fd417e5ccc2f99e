"""How much of one input file a run will take in.

Every reader holds a file whole in memory (PyMuPDF opens PDFs from bytes, CSV and text are
decoded at once), and a Word file is a zip whose parts can expand a thousandfold: a file past
these bounds is refused with one line before it is read, not found out by the kernel's OOM
killer. The bounds are far above any real manual, paper or spreadsheet; split a file that
passes them.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from ..errors import InputError

MAX_INPUT_BYTES = 1 << 30  # 1 GiB: any document, seed or evaluation file
MAX_PDF_PAGES = 20_000
MAX_UNZIPPED_BYTES = 512 << 20  # a Word file's parts, once uncompressed
MAX_USER_FILE_BYTES = 64 << 20  # run configs, team specs, personas, disciplines, skills, curricula


def _size(value: int) -> str:
    return f"{value / (1 << 30):.1f} GiB" if value >= 1 << 30 else f"{value / (1 << 20):.0f} MiB"


def check_file_size(path: Path, limit: int | None = None) -> None:
    """Refuse a file larger than `limit` bytes (MAX_INPUT_BYTES by default) before reading it."""
    limit = MAX_INPUT_BYTES if limit is None else limit
    size = path.stat().st_size
    if size > limit:
        raise InputError(path, f"{_size(size)}, more than the {_size(limit)} one input may be; split it")


def check_user_file_size(path: Path) -> None:
    check_file_size(path, MAX_USER_FILE_BYTES)


def check_pdf_pages(path: Path, pages: int) -> None:
    if pages > MAX_PDF_PAGES:
        raise InputError(path, f"{pages:,} pages, more than the {MAX_PDF_PAGES:,} one PDF may have; split it")


def check_unzipped_size(path: Path) -> None:
    """A zip package (.docx) whose parts would expand past MAX_UNZIPPED_BYTES: a zip bomb,
    refused from its directory before anything is inflated."""
    try:
        with zipfile.ZipFile(path) as package:
            total = sum(info.file_size for info in package.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(path, f"not a readable zip package ({exc})") from None
    if total > MAX_UNZIPPED_BYTES:
        raise InputError(path, f"its parts expand to {_size(total)}, more than {_size(MAX_UNZIPPED_BYTES)}: "
                               "a zip bomb, or a document to split")
