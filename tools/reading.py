"""Reading an input file of any supported kind: the dispatch to the PDF, Document
Intelligence, CSV, text and Word readers, and finding the files in a folder. (The types
they all produce live in documents.py, which imports no reader.)"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from ..errors import InputError
from .csv_reader import read_csv
from .documents import SUPPORTED_SUFFIXES, Document, ReaderName, kind_of
from .text_reader import read_docx, read_text


class IntakeOptions(BaseModel):
    reader: ReaderName = "pymupdf"  # for PDFs
    figures: bool = True  # locate figures and render image-only pages for the vision model


def read_document(path: str | Path, options: IntakeOptions | None = None) -> Document:
    """Read any supported file; an unsupported or broken one is an `InputError` naming it."""
    path = Path(path)
    options = options or IntakeOptions()
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
        files = sorted(
            p for p in path.rglob("*")
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)
        )
        if not files:
            raise InputError(path, "folder is empty")
        return files
    return [path]
