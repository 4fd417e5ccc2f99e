"""CSV → one unit per data row, rendered as a readable list of `column: value` items.

Rows are what provenance points at (row 1 is the first row after the header), and the
chunker never splits one. Cells holding HTML (exports from CMSs and ticket systems) are
turned into plain text.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from bs4 import BeautifulSoup

from ..errors import InputError
from .documents import Document, Page, content_id, read_bytes
from .encoding import decode_text

_TAG = re.compile(r"<[a-zA-Z/!][^>]*>")
_DELIMITERS = ",;\t|"


def cell_text(value: str) -> str:
    """A cell as one line of plain text: HTML tags dropped, entities decoded, spaces collapsed."""
    if _TAG.search(value) or "&" in value:
        value = BeautifulSoup(value, "html.parser").get_text(" ")
    return " ".join(value.split())


def _dialect(sample: str) -> type[csv.Dialect] | csv.Dialect:
    try:
        return csv.Sniffer().sniff(sample, delimiters=_DELIMITERS)
    except csv.Error:
        return csv.excel


def read_csv(path: str | Path) -> Document:
    path = Path(path)
    data = read_bytes(path, "a CSV file")
    text, encoding = decode_text(data, path)
    reader = csv.reader(io.StringIO(text, newline=""), _dialect(text[:8192]))
    try:
        rows = [row for row in reader if any(cell.strip() for cell in row)]
    except csv.Error as exc:
        raise InputError(path, f"malformed CSV at line {reader.line_num}: {exc}") from None
    if not rows:
        raise InputError(path, "CSV has no rows")
    header = [cell_text(h) or f"column {i + 1}" for i, h in enumerate(rows[0])]
    if len(rows) == 1:
        raise InputError(path, "CSV has a header but no data rows")
    pages = []
    for number, row in enumerate(rows[1:], start=1):
        names = header + [f"column {i + 1}" for i in range(len(header), len(row))]
        lines = [f"- {name}: {value}" for name, cell in zip(names, row) if (value := cell_text(cell))]
        markdown = "\n".join(lines)
        pages.append(Page(number=number, markdown=markdown, text_chars=len(markdown), kind="text"))
    return Document(path=str(path), doc_id=content_id(data), title=path.stem, pages=pages, unit="row",
                    reader="csv", encoding=encoding)
