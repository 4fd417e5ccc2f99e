"""Scenarios: how inputs become work items, which team runs each, how results become records.

Each scenario module registers itself (base.py: `register`); catalogue.py finds them all."""
