"""YAML from users, parsed within bounds.

An alias is a reference: nine aliases of nine aliases of ... (the "billion laughs" file)
compose into a small graph but expand, for anything that walks the loaded data (the secret
scan, pydantic), into an exponential tree. The expanded size is counted on the graph first,
in time linear in the file, and a file that would expand past any real config's size is
refused; so is one nested deeper than the parser can follow.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..errors import InputError

MAX_EXPANDED_NODES = 100_000  # a large run config or team spec has a few hundred


def expanded_size(node: yaml.Node, memo: dict[int, int] | None = None) -> int:
    """How many nodes `node` stands for once every alias is expanded."""
    memo = {} if memo is None else memo
    if id(node) in memo:
        return memo[id(node)]
    memo[id(node)] = 1  # a recursive alias counts once; yaml refuses to construct those anyway
    if isinstance(node, yaml.MappingNode):
        size = 1 + sum(expanded_size(k, memo) + expanded_size(v, memo) for k, v in node.value)
    elif isinstance(node, yaml.SequenceNode):
        size = 1 + sum(expanded_size(v, memo) for v in node.value)
    else:
        size = 1
    memo[id(node)] = size
    return size


def load_bounded(text: str, path: Path | str) -> tuple[Any, yaml.Node | None]:
    """(data, composed root node) of a YAML text; yaml.YAMLError for a syntax error, an
    InputError for one that expands or nests past the bounds."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        if root is not None and (size := expanded_size(root)) > MAX_EXPANDED_NODES:
            raise InputError(path, f"expands to {size:,} YAML nodes through its aliases (more than "
                                   f"{MAX_EXPANDED_NODES:,}): an alias bomb? write the values out")
        return yaml.safe_load(text), root
    except RecursionError:
        raise InputError(path, "nested too deeply to read") from None
