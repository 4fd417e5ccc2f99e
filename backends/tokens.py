"""How chunk sizes are measured: in tokens of the model that will read the chunks, when
its tokenizer can be had offline, else in characters.

- `local` and `gguf:<path>`: the GGUF file carries its vocabulary; llama.cpp loads only
  that (`vocab_only`), in milliseconds.
- `openai:` and `azure:`: tiktoken, but only when its encoding file is already on disk
  (it downloads on first use, which fails offline); otherwise characters.
- Ollama and other servers: no tokenizer is reachable offline; characters.
"""

from __future__ import annotations

import os
from contextlib import contextmanager, redirect_stderr
from dataclasses import dataclass
from pathlib import Path

from ..tools.chunking import Measure

# Defaults in each unit; 500 tokens is about the lab's 2000 characters of English.
DEFAULT_SIZE = {"tokens": 500, "chars": 2000}
DEFAULT_OVERLAP = {"tokens": 50, "chars": 200}


@dataclass(frozen=True)
class ChunkMeasure:
    unit: str  # "tokens" or "chars"
    tokenizer: str  # what counts: "characters", "gguf:<file>", "tiktoken:<encoding>"
    count: Measure


CHARACTERS = ChunkMeasure("chars", "characters", len)


@contextmanager
def _quiet_stderr():
    """llama.cpp logs a context warning (from C and through Python) even with verbose=False."""
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as devnull, redirect_stderr(devnull):
            os.dup2(devnull.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _gguf_measure(path: Path) -> ChunkMeasure | None:
    try:
        from .llama_loading import open_llama

        with _quiet_stderr():
            vocab = open_llama(path, vocab_only=True, verbose=False)
    except Exception:  # a missing or unreadable file is reported when the model loads
        return None

    def count(text: str) -> int:
        return len(vocab.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    return ChunkMeasure("tokens", f"gguf:{path.name}", count)


def _tiktoken_file_cached(encoding_name: str) -> bool:
    """Whether tiktoken can load `encoding_name` without downloading (its cache layout)."""
    import hashlib
    import tempfile

    cache_dir = os.environ.get("TIKTOKEN_CACHE_DIR") or os.environ.get("DATA_GYM_CACHE_DIR") or os.path.join(
        tempfile.gettempdir(), "data-gym-cache")
    blob = f"https://openaipublic.blob.core.windows.net/encodings/{encoding_name}.tiktoken"
    return os.path.exists(os.path.join(cache_dir, hashlib.sha1(blob.encode()).hexdigest()))


def _tiktoken_measure(model: str) -> ChunkMeasure | None:
    try:
        import tiktoken
        from tiktoken.model import encoding_name_for_model

        try:
            name = encoding_name_for_model(model)
        except KeyError:
            name = "o200k_base"
        if not _tiktoken_file_cached(name):
            return None  # loading it would try the internet
        encoding = tiktoken.get_encoding(name)
    except Exception:
        return None
    return ChunkMeasure("tokens", f"tiktoken:{name}", lambda text: len(encoding.encode(text, disallowed_special=())))


def measure_for(provider: str, name: str, *, model_name: str | None = None) -> ChunkMeasure:
    """The best offline measure for a model spec's provider and name."""
    if provider == "local":
        from .local_llama import embedded_model_path

        return _gguf_measure(embedded_model_path()) or CHARACTERS
    if provider == "gguf":
        return _gguf_measure(Path(os.path.expanduser(name))) or CHARACTERS
    if provider in ("openai", "azure"):
        return _tiktoken_measure(model_name or name) or CHARACTERS
    return CHARACTERS
