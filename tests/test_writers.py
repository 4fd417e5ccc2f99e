"""Dataset writers: UTF-8 without BOM, non-ASCII as is, durable appends, torn-line recovery."""

from __future__ import annotations

import json

import pytest

from agentsynth.errors import InputError
from agentsynth.scenarios.records import ChatMessage
from agentsynth.tools.writers import JsonlAppender, read_records, rewrite_records, write_json


def test_appends_utf8_without_bom_and_keeps_non_ascii(tmp_path):
    path = tmp_path / "data.jsonl"
    writer = JsonlAppender(path)
    writer.write_many([ChatMessage(role="user", content="매장은 어디입니까?"), {"a": "最寄りの店舗"}])
    writer.write_many([{"b": 1}])
    writer.close()
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8")
    assert "매장은" in text and "最寄り" in text and "\\u" not in text
    assert list(read_records(path)) == [{"role": "user", "content": "매장은 어디입니까?"}, {"a": "最寄りの店舗"}, {"b": 1}]


def test_torn_last_line_is_skipped_but_corruption_inside_is_not(tmp_path):
    path = tmp_path / "data.jsonl"
    path.write_text('{"a": 1}\n{"b": 2}\n{"c": ', encoding="utf-8")
    assert list(read_records(path)) == [{"a": 1}, {"b": 2}]
    path.write_text('{"a": 1}\n{"b": \n{"c": 3}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"data.jsonl: line 2: not valid JSON"):
        list(read_records(path))
    assert list(read_records(tmp_path / "missing.jsonl")) == []


def test_rewrite_and_json_are_atomic_replacements(tmp_path):
    path = tmp_path / "data.jsonl"
    rewrite_records(path, [{"x": "é"}])
    assert path.read_text(encoding="utf-8") == '{"x": "é"}\n'
    write_json(tmp_path / "manifest.json", {"k": "ü"})
    assert json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8")) == {"k": "ü"}
    assert not list(tmp_path.glob("*.tmp"))


def test_json_and_checkpoints_are_replaced_durably(tmp_path, monkeypatch):
    """fsync of the new file, then of the folder that holds the rename: a power cut leaves the old
    manifest or the new one, never an empty one (which then made --resume crash)."""
    import os

    from agentsynth.tools.writers import replace_durably, write_json

    synced: list[str] = []
    real_fsync = os.fsync

    def spy(descriptor):
        synced.append(os.readlink(f"/proc/self/fd/{descriptor}") if os.path.exists("/proc/self/fd") else "?")
        return real_fsync(descriptor)

    monkeypatch.setattr(os, "fsync", spy)
    write_json(tmp_path / "manifest.json", {"status": "running"})
    assert json.loads((tmp_path / "manifest.json").read_text()) == {"status": "running"}
    assert synced[-2].endswith("manifest.json.tmp") and synced[-1] == str(tmp_path)
    replace_durably(tmp_path / "c.jsonl", '{"turn": 1}\n')
    assert (tmp_path / "c.jsonl").read_text() == '{"turn": 1}\n' and not list(tmp_path.glob("*.tmp"))
