"""The run report: `report.html` in the output folder (self-contained: plots are inline SVG)
and a short terminal summary, both read back from the run's files, so a resumed or finished
run can be reported again with `python run.py report DIR`.

What a user checks at a glance: how many items and records per stage, the acceptance rate,
why records were rejected, the critic's score distributions, which sources produced accepted
records and which produced none, tokens and cost per role, throughput over time, and samples.
"""

from __future__ import annotations

import io
import json
from collections import Counter, defaultdict
from importlib import resources
from pathlib import Path
from typing import Any

from ..checks.catalogue import rejection_rules
from ..tools.writers import read_manifest, read_records

REPORT = "report.html"
SAMPLES = 3


def _source_of(record: dict) -> str:
    meta = record.get("metadata", {})
    source = meta.get("source_file") or meta.get("source") or meta.get("discipline") or meta.get("skill")
    where = meta.get("chunk_id") or meta.get("subject") or meta.get("session")
    if source and where:
        return f"{Path(str(source)).name} · {where}"
    return str(source or meta.get("item_id", "?"))


def gather(out_dir: Path) -> dict[str, Any]:
    manifest = read_manifest(out_dir / "manifest.json")
    accepted = list(read_records(out_dir / "data.jsonl"))
    rejected = list(read_records(out_dir / "rejected.jsonl"))
    failed = list(read_records(out_dir / "failed.jsonl"))
    progress = list(read_records(out_dir / "progress.jsonl"))
    reasons = Counter(rejection_rules(rejected))
    scores: dict[str, list[int]] = defaultdict(list)
    for record in accepted + rejected:
        for name, value in ((record.get("metadata", {}).get("critic") or {}).get("scores") or {}).items():
            if isinstance(value, (int, float)):
                scores[name].append(value)
    coverage: dict[str, dict[str, int]] = defaultdict(lambda: {"accepted": 0, "rejected": 0})
    for kind, records in (("accepted", accepted), ("rejected", rejected)):
        for record in records:
            coverage[_source_of(record)][kind] += 1
    items_accepted = Counter(r.get("metadata", {}).get("item_id") for r in accepted)
    empty_items = [p["item_id"] for p in progress if p.get("status") == "ok" and not items_accepted.get(p["item_id"])]
    times = sorted(p["at"] for p in progress if isinstance(p.get("at"), (int, float)))
    total = len(accepted) + len(rejected)
    return {
        "manifest": manifest, "accepted": accepted, "rejected": rejected, "failed": failed, "progress": progress,
        "reasons": reasons, "scores": dict(scores), "coverage": dict(coverage), "empty_items": empty_items,
        "times": times, "acceptance": (len(accepted) / total) if total else None,
        "per_role": manifest.get("usage", {}).get("per_role", {}),
    }


def _svg(figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight")
    text = buffer.getvalue()
    return text[text.index("<svg"):]  # drop the XML prologue: the SVG is inlined in HTML


def plots(data: dict[str, Any]) -> dict[str, str]:
    """Inline SVG charts (matplotlib, headless)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out: dict[str, str] = {}
    if data["reasons"]:
        top = data["reasons"].most_common(12)
        fig, ax = plt.subplots(figsize=(7, 0.35 * len(top) + 1))
        ax.barh([name for name, _ in reversed(top)], [count for _, count in reversed(top)], color="#c0504d")
        ax.set_xlabel("rejected records")
        ax.set_title("Why records were rejected")
        out["reasons"] = _svg(fig)
        plt.close(fig)
    if data["scores"]:
        names = sorted(data["scores"])
        fig, axes = plt.subplots(1, len(names), figsize=(3 * len(names), 2.6), squeeze=False)
        for ax, name in zip(axes[0], names):
            values = data["scores"][name]
            ax.hist(values, bins=[0.5, 1.5, 2.5, 3.5, 4.5, 5.5], color="#4f81bd", rwidth=0.85)
            ax.set_title(f"{name} (n={len(values)})")
            ax.set_xticks([1, 2, 3, 4, 5])
        out["scores"] = _svg(fig)
        plt.close(fig)
    if data["per_role"]:
        roles = sorted(data["per_role"])
        usage = [data["per_role"][r] for r in roles]
        spent = any(u.get("prompt_tokens", 0) + u.get("completion_tokens", 0) for u in usage)
        # Tokens of live calls; a run served from the cache spent none, so show its calls instead.
        keys, unit = (("prompt_tokens", "completion_tokens"), "tokens") if spent else (("calls", "cached_calls"), "calls")
        first = [u.get(keys[0], 0) for u in usage]
        second = [u.get(keys[1], 0) for u in usage]
        fig, ax = plt.subplots(figsize=(7, 0.4 * len(roles) + 1))
        ax.barh(roles, first, color="#9bbb59", label=keys[0].replace("_", " "))
        ax.barh(roles, second, left=first, color="#8064a2", label=keys[1].replace("_", " "))
        ax.set_xlabel(unit)
        ax.legend(loc="lower right")
        ax.set_title(f"{unit.capitalize()} per role")
        out["tokens"] = _svg(fig)
        plt.close(fig)
    if len(data["times"]) >= 2:
        start = data["times"][0]
        scale, unit = (60, "minutes") if data["times"][-1] - start > 120 else (1, "seconds")
        elapsed = [(t - start) / scale for t in data["times"]]
        fig, ax = plt.subplots(figsize=(7, 2.6))
        ax.plot(elapsed, range(1, len(elapsed) + 1), color="#4f81bd", marker=".")
        ax.set_xlabel(f"{unit} since the first finished item")
        ax.set_ylabel("items finished")
        ax.set_title("Throughput over time")
        out["throughput"] = _svg(fig)
        plt.close(fig)
    return out


def write_report(out_dir: Path, data: dict[str, Any] | None = None) -> Path:
    """Write `report.html` for the run in `out_dir` (from `gather`'s data, if given); its path."""
    from jinja2 import Environment, select_autoescape

    data = data or gather(out_dir)
    template = resources.files(__package__).joinpath("report.html.j2").read_text(encoding="utf-8")
    env = Environment(autoescape=select_autoescape(default=True))
    env.filters["pct"] = lambda x: "–" if x is None else f"{x:.0%}"
    html = env.from_string(template).render(
        m=data["manifest"], d=data, charts=plots(data), samples_accepted=data["accepted"][:SAMPLES],
        samples_rejected=data["rejected"][:SAMPLES], coverage=sorted(data["coverage"].items()),
        json=lambda x: json.dumps(x, ensure_ascii=False, indent=1),
    )
    path = out_dir / REPORT
    tmp = path.with_suffix(".tmp")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(path)
    return path


def summary_lines(out_dir: Path, data: dict[str, Any] | None = None) -> list[str]:
    """A few terminal lines: acceptance and the top reasons for rejection."""
    data = data or gather(out_dir)
    lines = [f"acceptance {data['acceptance']:.0%} ({len(data['accepted'])} of "
             f"{len(data['accepted']) + len(data['rejected'])} records)" if data["acceptance"] is not None
             else "no records"]
    if data["reasons"]:
        lines.append("top rejection reasons: " + ", ".join(f"{name} {count}" for name, count in
                                                          data["reasons"].most_common(3)))
    if data["empty_items"]:
        lines.append(f"{len(data['empty_items'])} item(s) produced no accepted record (see report.html)")
    return lines
