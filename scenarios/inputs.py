"""Reading the documents a scenario works from: every file of every --input, chunked with
the default (character) measure; a bad file is skipped with its cause, and nothing usable
at all is one clear error."""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from ..tools.chunking import Chunk, chunk_document
from ..tools.reading import find_inputs, read_documents
from .base import SkippedInput

# The bundled sample manual: what the document scenarios read when given no --input.
SAMPLE_PDF = Path(__file__).resolve().parent.parent / "samples" / "aurora-x2-power-station-manual.pdf"


def read_chunks(inputs: list[Path], what: str = "document") -> tuple[list[Chunk], list[SkippedInput]]:
    chunks: list[Chunk] = []
    skipped: list[SkippedInput] = []
    paths = [path for given in inputs for path in find_inputs(given)]
    for path, read in zip(paths, read_documents(paths)):
        try:
            if isinstance(read, InputError):
                raise read
            chunks += chunk_document(read)
        except InputError as exc:
            skipped.append(SkippedInput(path=str(path), reason=exc.cause))
    if inputs and not chunks:
        raise InputError(inputs[0], f"no readable {what} (" + "; ".join(f"{s.path}: {s.reason}" for s in skipped[:3]) + ")")
    return chunks, skipped


def first_user_turn(record: dict) -> str:
    """The instruction of a kept record (for re-seeding duplicate registries on resume)."""
    return next(m["content"] for m in record["messages"] if m["role"] == "user")
