"""JSON: the figures of the report for machines (the district's tools, a sync): the period,
planned / held / missed / cancelled / to come, by topic and by program, the integrity check and
the signed checkpoint."""

from __future__ import annotations

import json
from pathlib import Path

from .data import ReportData, notes, summary_rows


def figures(d: ReportData) -> dict:
    o = d.planned_outcomes

    def groups(gs) -> list[dict]:
        return [
            {
                "id": g.name,
                "label": g.label,
                "planned": g.planned,
                "held": g.held,
                "missed": g.missed,
                "failed_or_skipped": g.other,
                "cancelled": g.cancelled,
                "to_come": g.to_come,
                "items": g.items,
                "queued": g.queued,
                "scripts": len(g.scripts),
                "minutes": g.minutes,
            }
            for g in gs
        ]

    return {
        "station": d.project.station.name,
        "period": {
            "label": d.span.label,
            "start": d.span.start.isoformat(),
            "end": d.span.last_day.isoformat(),
            "ongoing": d.ongoing,
        },
        "generated_at": d.generated.isoformat(timespec="seconds"),
        "campaigns": [{"id": c, "label": d.campaign_label(c)} for c in d.campaigns],
        "planned": d.planned,
        "held": o["aired"],
        "partial": o["partial"],
        "missed": d.missed,
        "failed": o["failed"],
        "interrupted": o["interrupted"],
        "skipped": o["skipped"],
        "cancelled": d.cancelled,
        "to_come": d.to_come,
        "compliance_percent": round(d.compliance, 1),
        "airings_aired": d.airings_aired,
        "items_aired": d.status_counts["aired"],
        "minutes_aired": dict(summary_rows(d))["Tổng thời lượng đã phát (phút)"],
        "by_topic": groups(d.by_topic),
        "by_campaign": groups(d.by_campaign),
        "by_program": groups(d.by_program),
        "by_zone": [
            {
                "label": z.label,
                "clusters": z.clusters,
                "airings": z.airings,
                "items": z.items,
                "not_aired": z.other,
                "minutes": z.minutes,
                "heard_by_all_clusters": z.heard_by_all,
            }
            for z in d.by_zone
        ],
        "by_cluster": [
            {"label": c.label, "zone": c.zone, "received": c.received, "of": c.of}
            for c in d.by_cluster
        ],
        "days_without_plan": [x.isoformat() for x in d.unplanned_days],
        "notes": notes(d),
        "misses": [
            {
                "at": m.when.isoformat(),
                "program": m.program,
                "scripts": m.titles,
                "outcome": m.outcome,
                "reason": m.reason,
            }
            for m in d.misses
        ],
        "integrity": {
            "ok": d.verified,
            "rows": d.verified_rows,
            "head": d.chain_head,
            "findings": d.verify_findings,
        },
        "checkpoint": d.checkpoint,
    }


def write_json(d: ReportData, path: Path) -> None:
    path.write_text(json.dumps(figures(d), ensure_ascii=False, indent=2) + "\n", "utf-8")
