"""Every scenario there is: the modules of this package that register one (scenarios/base.py:
`register`), and any installed package that declares one under the entry-point group
`agentsynth.scenarios`. Adding a module here that calls `register` is all it takes."""

from __future__ import annotations

import importlib
import pkgutil
from importlib.metadata import entry_points

from .base import SCENARIOS, ScenarioEntry

ENTRY_POINT_GROUP = "agentsynth.scenarios"
DEFAULT = "seed_from_pdf"


def load_scenarios() -> dict[str, ScenarioEntry]:
    """Import every scenario module once (each registers itself); the main job first."""
    package = __name__.rsplit(".", 1)[0]
    for module in pkgutil.iter_modules(importlib.import_module(package).__path__):
        importlib.import_module(f"{package}.{module.name}")
    for point in entry_points(group=ENTRY_POINT_GROUP):
        point.load()
    if DEFAULT in SCENARIOS and next(iter(SCENARIOS)) != DEFAULT:
        ordered = {DEFAULT: SCENARIOS[DEFAULT], **SCENARIOS}
        SCENARIOS.clear()
        SCENARIOS.update(ordered)
    return SCENARIOS
