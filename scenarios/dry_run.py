"""--dry-run: plan the scenario and run its first work item until its team is built, with
clients that refuse every model call; teams/dry_run.py renders what was reached."""

from __future__ import annotations

from typing import Any

from autogen_core.models import ChatCompletionClient
from rich.console import Console

from ..backends.metering import UsageLedger
from ..errors import AgentsynthError, InputError
from ..teams.build import BuiltTeam
from ..teams.dry_run import ModelCallRefused, NoCallClient, TeamReached, stop_at_first_team
from .base import PlanContext


async def reach_team(scenario: Any, console: Console) -> tuple[BuiltTeam | None, Any, str, str]:
    """(built team, task, item label, why not) for the scenario's first work item; the plan's
    skipped inputs are left in `scenario.dry_run_skipped`."""
    clients: dict[str, ChatCompletionClient] = {role: NoCallClient(role) for role in scenario.roles}
    label = ""
    scenario.dry_run_skipped = []
    with stop_at_first_team():
        try:
            plan = await scenario.aplan(PlanContext(clients=clients, console=console, show_progress=False))
            scenario.dry_run_skipped = plan.skipped
            if not plan.items:
                return None, None, "", "the inputs give no work item"
            item = plan.items[0]
            label = item.label
            await scenario.run_item(item, clients, UsageLedger())
            return None, None, label, "the first item finished without running a team"
        except TeamReached as reached:
            return reached.built, reached.task, label, ""
        except ModelCallRefused as refused:
            return None, None, label, f"{scenario.name} needs a model before its team runs ({refused})"
        except InputError:
            raise  # a bad input file fails the real run too: one line and exit 2, not a rendered team
        except AgentsynthError as exc:
            return None, None, label, str(exc)
