"""Reply schemas without the small model's string patterns, for models that need no grammar.

Many reply fields carry a regex made for a 135M model: a reason "without quotes, at most 300
characters", a name "without <placeholders>", an instruction "of at most four sentences".
They keep llama.cpp's grammar small and stop a small model's runaway, but a strong model's
rationale that quotes the response, or a subject name with quotation marks, then fails its
schema and costs a repair or the record. `without_patterns` rebuilds a reply model, nested
models and list items included, with every `pattern` removed and everything else (names,
enums, lengths, validators) kept, under the same name, so caches and scripted models see one
reply kind.
"""

from __future__ import annotations

import copy
from functools import cache
from typing import Annotated, Any, get_args, get_origin

from pydantic import BaseModel, create_model
from pydantic.fields import FieldInfo


def _without_pattern(info: FieldInfo) -> FieldInfo:
    relaxed = copy.copy(info)
    relaxed.metadata = [m for m in info.metadata if getattr(m, "pattern", None) is None]
    relaxed.annotation = _relaxed_type(info.annotation)
    return relaxed


def _relaxed_type(annotation: Any) -> Any:
    origin = get_origin(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return without_patterns(annotation)
    if origin is Annotated:
        base, *extras = get_args(annotation)
        kept = [_without_pattern(e) if isinstance(e, FieldInfo) else e for e in extras
                if getattr(e, "pattern", None) is None or isinstance(e, FieldInfo)]
        return Annotated[(_relaxed_type(base), *kept)] if kept else _relaxed_type(base)
    if origin in (list, tuple, set, frozenset) and get_args(annotation):
        args = tuple(_relaxed_type(a) for a in get_args(annotation))
        return origin[args if origin is tuple else args[0]]
    return annotation


def _has_pattern(annotation: Any) -> bool:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return any(_field_has_pattern(f) for f in annotation.model_fields.values())
    if get_origin(annotation) is Annotated:
        base, *extras = get_args(annotation)
        return _has_pattern(base) or any(getattr(e, "pattern", None) is not None
                                         or (isinstance(e, FieldInfo) and _field_has_pattern(e)) for e in extras)
    return any(_has_pattern(a) for a in get_args(annotation))


def _field_has_pattern(info: FieldInfo) -> bool:
    return any(getattr(m, "pattern", None) is not None for m in info.metadata) or _has_pattern(info.annotation)


@cache
def without_patterns(model: type[BaseModel]) -> type[BaseModel]:
    """`model` with no string pattern anywhere in it (itself when it has none)."""
    changed = {name: info for name, info in model.model_fields.items() if _field_has_pattern(info)}
    if not changed:
        return model
    fields: dict[str, Any] = {}
    for name, info in changed.items():
        relaxed = _without_pattern(info)
        fields[name] = (relaxed.annotation, relaxed)
    return create_model(model.__name__, __base__=model, __doc__=model.__doc__, **fields)
