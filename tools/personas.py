"""Personas as a reusable dataset: `personas.jsonl`, one persona per line.

persona_qa writes the personas it generated next to its records; any scenario that takes
`--personas FILE` (persona_qa, and dialogue scenarios) reads them back.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ValidationError

from ..errors import InputError
from .encoding import read_utf8

Expertise = Literal["novice", "intermediate", "expert"]


class Persona(BaseModel):
    persona_id: str
    role: str  # who they are ("a warehouse operator who runs the night shift")
    expertise: Expertise
    goals: str  # why they read the documents
    style: str  # how they ask and write
    source: str = ""  # the chunk it was drawn from, or "audience"

    def describe(self) -> str:
        """One line for prompts."""
        return f"{self.role} ({self.expertise}); wants to {self.goals.rstrip('.')}; writes {self.style.rstrip('.')}."

    def as_metadata(self) -> dict[str, str]:
        return self.model_dump(exclude={"source"})


def read_personas(path: Path) -> list[Persona]:
    if not path.is_file():
        raise InputError(path, "no such file" if not path.exists() else "is not a file")
    personas, seen = [], set()
    for number, line in enumerate(read_utf8(path, "personas file").splitlines(), 1):
        if not line.strip():
            continue
        try:
            persona = Persona.model_validate(json.loads(line))
        except json.JSONDecodeError as exc:
            raise InputError(path, f"line {number}: invalid JSON ({exc.msg})") from None
        except ValidationError as exc:
            problem = exc.errors()[0]
            field = ".".join(map(str, problem["loc"])) or "line"
            raise InputError(path, f"line {number}: {field}: {problem['msg']} (expected persona_id, role, "
                                   "expertise, goals, style)") from None
        if persona.persona_id in seen:
            raise InputError(path, f"line {number}: duplicate persona_id {persona.persona_id!r}")
        seen.add(persona.persona_id)
        personas.append(persona)
    if not personas:
        raise InputError(path, "no personas")
    return personas
