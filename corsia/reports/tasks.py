"""Background jobs of the reports (procrastinate; discovered as ``<app>.tasks``)."""

from __future__ import annotations

from procrastinate.contrib.django import app

from corsia.reports.services.runs import COMPUTE_TASK, report_run_compute


@app.task(name=COMPUTE_TASK, queue="reports")
def run_compute_task(run_id: int) -> None:
    """A long report: run, its progress written on its row, its result stored."""
    report_run_compute(run_id=run_id)
