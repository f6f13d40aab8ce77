"""The figures of ``make bench`` as the table printed after the JSON document."""

from __future__ import annotations

from typing import Any

from bench.reports import lines as report_lines
from bench.scaling import scaling_lines

__all__ = ["agenda_lines", "table"]


def _goal_line(name: str, goal: dict[str, Any]) -> str:
    """One goal as the table prints it, with its note when the figure could not be shown."""
    verdict = "met" if goal["met"] else "NOT MET"
    note = f" ({goal['note']})" if goal.get("note") else ""
    return f"goal {name:<24} {goal['goal']:<8} {verdict}{note}"


def agenda_lines(agenda: dict[str, Any]) -> list[str]:
    """The day planner's figures (``bench.agenda``) for the table."""
    lines: list[str] = []
    for label, figures in agenda.items():
        if not isinstance(figures, dict):
            continue
        lines.append(
            f"day planner {label} ({len(figures['days'])} days, {figures['saturated_days']} "
            f"saturated): plan max {figures['plan_s_max']} s, within 5 % of the bound "
            f"{figures['within_5pct_of_lower_bound_share']}, vs FCFS on saturated days "
            f"{figures['fcfs_reduction_saturated_min']} (min), urgent re-plan max "
            f"{figures['urgent_replan_s_max']} s, patients left out {figures['patients_left_out']} "
            f"(FCFS {figures['fcfs_patients_left_out']})"
        )
        for name, goal in figures["goals"].items():
            lines.append(_goal_line(name, goal))
    return lines


def table(result: dict[str, Any]) -> str:
    lines = [
        f"{'operation':<28}{'count':>8}{'err':>6}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}"
        f"{'p99 ms':>9}{'srv cpu':>9}{'db cpu':>9}{'queries':>9}"
    ]
    web = result["web"]

    def cpu_cells(figures: dict[str, Any]) -> str:
        cells = [figures.get(k) for k in ("server_cpu_ms", "db_cpu_ms", "queries")]
        return "".join(f"{'-' if c is None else c:>9}" for c in cells)

    for op in web["floor"] + web["operations"]:
        label = ("floor: " if op in web["floor"] else "") + op["name"]
        lines.append(
            f"{label:<28}{op['count']:>8}{op['errors']:>6}{op['requests_per_s']:>9}"
            f"{op['p50_ms']:>9}{op['p95_ms']:>9}{op['p99_ms']:>9}{cpu_cells(op)}"
        )
    mix = web["mix"]
    lines.append(
        f"{'MIX':<28}{'':>8}{mix['errors']:>6}{mix['requests_per_s']:>9}"
        f"{mix['p50_ms']:>9}{mix['p95_ms']:>9}{mix['p99_ms']:>9}"
        f"{cpu_cells(web['cpu']['per_mixed_request'])}"
    )
    lines.append(
        "CPU per mixed request (ms): server thread + PostgreSQL backend, from the server's "
        f"headers; phase totals: {web['cpu'].get('phase_totals')}"
    )
    for name, goal in web["goals"].items():
        lines.append(_goal_line(name, goal))
    lines.append(f"server worker peak RSS: {web['server_worker_peak_rss_mb']} MiB")
    lines.extend(scaling_lines(result.get("scaling", {})))
    path = web["critical_path"]
    if "total_ms" in path:
        for name, ms in path["steps_ms_median"].items():
            calls = path["calls_per_order"].get(name, 0)
            lines.append(
                f"critical path: {name:<24}{ms:>9} ms {path['steps_share'][name]:>7.1%} "
                f"({calls} request{'s' if calls != 1 else ''})"
            )
        lines.append(
            f"critical path total, prescription to administration ({path['regimen']}, "
            f"{path['requests_per_order']} requests): {path['total_ms']} ms "
            f"(goal <= {path['goal_ms']:.0f}: {'met' if path['met'] else 'NOT MET'})"
        )
    else:
        lines.append(f"critical path: {path}")
    growth = result.get("data_growth", {})
    for name in ("patient_search", "pharmacy_plan") if growth else ():
        lines.append(
            f"{name} p50: S ({growth['S']['synthetic_patients']} patients) "
            f"{growth['S'][name]['p50_ms']} ms, L ({growth['L']['synthetic_patients']}) "
            f"{growth['L'][name]['p50_ms']} ms, ratio {growth[name + '_p50_ratio_L_over_S']} "
            f"(goal <= 1.35: {'met' if growth[name + '_goal']['met'] else 'NOT MET'})"
        )
    centre = result["setup"].get("centre", {})
    if centre:
        lines.append(
            f"generation: {centre.get('seconds')} s, generator peak RSS "
            f"{centre.get('peak_rss_mb')} MiB, {centre.get('counts', {}).get('orders')} orders, "
            f"{centre.get('preparations_per_working_day')} preparations per working day"
        )
    vials = result.get("vial_replay")
    if vials:
        lines.append(
            f"vial replay ({vials['days']} days x {vials['preps_per_day']}): waste capture "
            f"{vials['waste_capture']}, vial capture {vials['vial_capture']}, "
            f"incremental p95 {vials['incremental_p95_ms']} ms"
        )
    lines.extend(agenda_lines(result.get("agenda", {})))
    lines.extend(report_lines(result))
    hl7 = result.get("hl7", {})
    if "inbound" in hl7:
        inbound, outbound = hl7["inbound"], hl7["outbound"]
        lines.append(
            f"HL7 inbound over MLLP ({inbound['messages']} messages, {inbound['connections']} "
            f"connections): {inbound['messages_per_s']} msg/s, p50 {inbound['p50_ms']} ms, p95 "
            f"{inbound['p95_ms']} ms, p99 {inbound['p99_ms']} ms, {inbound['errors']} errors"
        )
        for name, goal in inbound["goals"].items():
            lines.append(_goal_line(name, goal))
        lines.append(
            f"HL7 outbound ({outbound['messages']} RAS^O17): {outbound['messages_per_s']} msg/s, "
            f"p95 {outbound['p95_ms']} ms, {outbound['errors']} errors"
        )
    elif hl7:
        lines.append(f"HL7: {hl7}")
    for name, reason in result["not_measured"].items():
        lines.append(f"not measured: {name}: {reason}")
    return "\n".join(lines)
