"""URLs as they may be written down: without the user name and password a URL can carry
(`https://user:secret@host/v1`), which would otherwise end up in manifests, dataset cards
and exported team configs."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit


def without_credentials(url: str) -> str:
    """`url` with any `user:password@` removed (unchanged when it has none or is no URL)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if "@" not in parts.netloc:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))
