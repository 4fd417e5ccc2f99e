"""Decoding text files whose encoding nobody wrote down.

UTF-8 (with or without a BOM) is tried strictly first, since it almost never decodes
text written in another encoding; then charset-normalizer chooses among the legacy
encodings the lab's users have (Korean CP949, Japanese Shift-JIS/CP932). A file that
none of them decodes is an error naming the file, not mojibake in the dataset.
"""

from __future__ import annotations

from pathlib import Path

from charset_normalizer import from_bytes

from ..errors import InputError
from .limits import check_user_file_size

LEGACY_ENCODINGS = ("cp949", "cp932", "shift_jis", "euc_kr", "euc_jp")


def decode_text(data: bytes, path: Path) -> tuple[str, str]:
    """(text, encoding name) of a text file's bytes."""
    if b"\x00" in data[:4096]:
        raise InputError(path, "binary file, not text (NUL bytes)")
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise InputError(path, f"starts with a UTF-8 BOM but is not valid UTF-8 (byte {exc.start + 3})") from None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data, cp_isolation=list(LEGACY_ENCODINGS)).best()
    if best is None:
        raise InputError(path, "cannot tell its text encoding (tried UTF-8, UTF-8 with BOM, CP949, Shift-JIS/CP932, "
                               "EUC-KR, EUC-JP); save it as UTF-8")
    return str(best), best.encoding


def read_utf8(path: Path, what: str = "file") -> str:
    """A file the user wrote for us (run config, team spec, disciplines, personas, skills):
    UTF-8, with or without a BOM. Anything else is one InputError naming the file, the cause
    and the byte, never a UnicodeDecodeError traceback."""
    try:
        if path.is_file():
            check_user_file_size(path)
        data = path.read_bytes()
    except IsADirectoryError:
        raise InputError(path, f"is a folder, not a {what}") from None
    except FileNotFoundError:
        raise InputError(path, f"no such {what}") from None
    except OSError as exc:
        raise InputError(path, f"cannot read the {what} ({exc.strerror or exc})") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise InputError(path, f"the {what} is not UTF-8 text (byte 0x{data[exc.start]:02x} on line {line}); "
                               "save it as UTF-8") from None
