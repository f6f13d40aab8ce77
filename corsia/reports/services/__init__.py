"""Running reports (``runs``) and exporting their results (``exports``)."""

from corsia.reports.services.exports import FORMATS, ExportFile, export_file
from corsia.reports.services.runs import (
    RunOutcome,
    pseudonym_key,
    report_run,
    report_run_compute,
    run_get,
    run_result,
)

__all__ = [
    "FORMATS",
    "ExportFile",
    "RunOutcome",
    "export_file",
    "pseudonym_key",
    "report_run",
    "report_run_compute",
    "run_get",
    "run_result",
]
