"""`python -m agentsynth.checks [FAMILY]`: the checks of a data family as a markdown table
(the README's tables are these)."""

from __future__ import annotations

import sys

from .catalogue import FAMILY_SETS, markdown_table


def main(argv: list[str]) -> int:
    families = argv or list(FAMILY_SETS)
    for family in families:
        if family not in FAMILY_SETS:
            print(f"error: unknown family {family!r}; one of {', '.join(FAMILY_SETS)}", file=sys.stderr)
            return 2
        print(f"{family}:\n\n{markdown_table(family)}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
