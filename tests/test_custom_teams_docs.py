"""Issue 24: docs/custom-teams.md covers every field, placeholder and stop rule the loader
accepts; a field added to the loader without a word in the docs fails here."""

from __future__ import annotations

import re
import typing
from pathlib import Path

from pydantic import BaseModel

from agentsynth.agents.custom import ALWAYS, CONTEXT_FIELDS, REVIEW_FIELDS
from agentsynth.teams import spec as spec_module
from agentsynth.teams.validate import INPUT_FIELDS

DOCS = (Path(__file__).resolve().parents[1] / "docs" / "custom-teams.md").read_text(encoding="utf-8")


def spec_models() -> list[type[BaseModel]]:
    return [m for m in vars(spec_module).values()
            if isinstance(m, type) and issubclass(m, spec_module.Strict) and m is not spec_module.Strict]


def test_every_field_the_loader_accepts_is_in_the_docs():
    missing = {}
    for model in spec_models():
        for name, field in model.model_fields.items():
            written = field.alias or name
            if not re.search(rf"\b{re.escape(written)}\b\s*:|`{re.escape(written)}[`:]", DOCS):
                missing.setdefault(model.__name__, []).append(written)
    assert not missing, f"fields the docs do not mention: {missing}"


def test_every_topology_input_and_field_type_is_in_the_docs():
    for name in typing.get_args(spec_module.Input):
        assert name in DOCS, name
    for kind in typing.get_args(spec_module.DeclaredField.model_fields["type"].annotation):
        assert f"`{kind}`" in DOCS or f"type: {kind}" in DOCS, kind
    for topology in spec_module.TOPOLOGY_TAGS:
        assert f"**{topology}**" in DOCS, topology


def test_every_placeholder_is_in_the_docs():
    names = {*ALWAYS, *REVIEW_FIELDS, *(n for fields in CONTEXT_FIELDS.values() for n in fields),
             *(n for fields in INPUT_FIELDS.values() for n in fields)}
    missing = sorted(n for n in names if f"${n}" not in DOCS)
    assert not missing, f"placeholders the docs do not name: {missing}"
