"""The shift's summary: the keys the conventions name first, then the detail a developer needs to follow up.

Why a verdict beside the audit: the conventions make ``simulate`` exit 0 only when the audit is clean and no
traceback was seen; a wrong scan that was accepted, a station that crashed by itself or hung is just as much a
broken floor, so those fail the shift too (``failed_because`` says which).
"""

from __future__ import annotations

from typing import Any

from app.domain.stats import percentile
from app.services.audit import AuditReport
from app.sim.stats import error_line

FAILING = ("tracebacks", "wrong_scans_accepted", "station_crashes", "hangs", "scans_counted_twice")
"""Counts that fail the shift when not zero (besides the audit)."""
DETAIL = (
    "wrong_scans_accepted",
    "shorts",
    "claims",
    "batches_finished",
    "kills_with_work",
    "resume_lost",
    "resume_work_ended",
    "resumed_by_rescan",
    "station_crashes",
    "hangs",
    "stuck",
    "scans_counted_twice",
    "stderr_lines",
    "non_json_lines",
    "unsolicited_lines",
    "contract_violations",
    "orders_imported",
    "process_passes",
    "keys",
)


def answer_times(samples: dict[str, list[float]]) -> dict[str, dict[str, float]]:
    """Per ``<role>.scan|key``: how many lines were answered and p50/p95/p99/max milliseconds to the answer."""
    out = {}
    for kind, values in sorted(samples.items()):
        if values:
            out[kind] = {
                "n": len(values),
                "p50": round(percentile(values, 50), 1),
                "p95": round(percentile(values, 95), 1),
                "p99": round(percentile(values, 99), 1),
                "max": round(max(values), 1),
            }
    return out


def build(snapshot: dict[str, Any], report: AuditReport, meta: dict[str, Any]) -> dict[str, Any]:
    counts = snapshot["counts"]

    def n(key: str) -> int:
        return int(counts.get(key, 0))

    out: dict[str, Any] = {
        "orders_shipped": int(meta.get("orders_shipped_db", n("orders_shipped"))),
        "scans": n("scans"),
        "wrong_scans_injected": n("wrong_scans_injected"),
        "wrong_scans_refused": n("wrong_scans_refused"),
        "kills": n("kills"),
        "resumes": n("resumes"),
        "tracebacks": n("tracebacks"),
        "audit": report.as_json(),
    }
    out.update({k: v for k, v in meta.items() if k != "orders_shipped_db"})
    out["ships_answered"] = n("orders_shipped")
    out["scans_by_role"] = {"pick": n("scans_pick"), "pack": n("scans_pack")}
    out.update({key: n(key) for key in DETAIL})
    out["answer_ms"] = answer_times(snapshot.get("answer_ms", {}))
    out["faults"] = snapshot["faults"]
    out["refusals"] = snapshot["refusals"]
    out["refusal_samples"] = snapshot["refusal_samples"]
    out["office"] = snapshot["office"]
    out["office_samples"] = snapshot.get("office_samples", {})
    out["findings"] = snapshot["findings"]
    out["finding_kinds"] = snapshot["finding_kinds"]
    out["finding_repeats"] = snapshot.get("finding_repeats", {})
    failed = [key for key in FAILING if n(key)]
    if not report.ok:
        failed.insert(0, "audit")
    out["ok"] = not failed
    out["failed_because"] = failed
    return out


def _answer_text(times: dict[str, dict[str, float]]) -> str:
    return "; ".join(f"{k} p50 {v['p50']:g} p99 {v['p99']:g} max {v['max']:g}" for k, v in times.items()) or "none"


def render(s: dict[str, Any]) -> str:
    """The summary as a readable table (the JSON has everything; this has what a person scans first)."""
    faults = s["faults"]
    kinds = sorted(k for k in faults if "." not in k)
    by_role = s["scans_by_role"]
    fault_text = ", ".join(f"{k} {faults.get(k + '.refused', 0)}/{faults[k]}" for k in kinds) or "none"
    rows = [
        ("database", f"{s['database']}, {s['duration_s']} s, seed {s['seed']}"),
        ("stations", f"{s['pickers']} pickers, {s['packers']} packers"),
        ("orders shipped", f"{s['orders_shipped']} ({s['ships_answered']} !ship answered before any kill)"),
        ("scans", f"{s['scans']} (pick {by_role['pick']}, pack {by_role['pack']}; keys {s['keys']})"),
        ("wrong scans injected", str(s["wrong_scans_injected"])),
        ("wrong scans refused", f"{s['wrong_scans_refused']} (refused/injected: {fault_text})"),
        ("wrong scans accepted", str(s["wrong_scans_accepted"])),
        ("shorts reported", str(s["shorts"])),
        ("batches claimed/done", f"{s['claims']}/{s['batches_finished']}"),
        ("kills", f"{s['kills']} ({s['kills_with_work']} with work in hand)"),
        (
            "resumes",
            f"{s['resumes']} (packers by rescan {s['resumed_by_rescan']}, work ended meanwhile "
            f"{s['resume_work_ended']}, lost {s['resume_lost']})",
        ),
        ("tracebacks", str(s["tracebacks"])),
        ("crashes / hangs / stuck", f"{s['station_crashes']} / {s['hangs']} / {s['stuck']}"),
        ("scans counted twice", str(s["scans_counted_twice"])),
        ("stderr / non-JSON lines", f"{s['stderr_lines']} / {s['non_json_lines']}"),
        ("contract violations", str(s["contract_violations"])),
        ("answer times (ms)", _answer_text(s.get("answer_ms", {}))),
        ("orders imported", f"{s['orders_imported']} ({s['process_passes']} process passes)"),
        ("office", ", ".join(f"{k} {v}" for k, v in sorted(s["office"].items())) or "nothing"),
        ("refusals (not injected)", ", ".join(f"{k} {v}" for k, v in sorted(s["refusals"].items())) or "none"),
    ]
    audit = s["audit"]
    failed = [c for c in audit["checks"] if not c["ok"]]
    named = ", ".join(f"{c['name']} ({c['count']})" for c in failed)
    rows.append(("audit", "ok" if audit["ok"] else f"FAILED: {named}"))
    width = max(len(k) for k, _ in rows)
    lines = [f"{k:<{width}}  {v}" for k, v in rows]
    for check in failed:
        lines += [f"    {check['name']}: {v.get('problem', v)}" for v in check["violations"][:5]]
    if s["findings"]:
        lines.append(f"findings ({sum(s['finding_kinds'].values())}):")
        for finding in s["findings"]:
            detail = str(finding["detail"])
            text = error_line(detail) if finding["kind"] == "traceback" else " ".join(detail.split())[:200]
            lines.append(f"  - {finding['kind']} at {finding['station']}: {text}")
    verdict = "clean" if s["ok"] else "FAILED (" + ", ".join(s["failed_because"]) + ")"
    lines.append(f"{'verdict':<{width}}  {verdict}")
    return "\n".join(lines)
