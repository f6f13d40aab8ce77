"""The direct distribution's File F (type ``D``): the month's desk dispensings, in the
same layout as the UFA's (``corsia.inventory.domain.file_f``) but a file of its own; the
UFA's extraction leaves the desk's unloads out. Audited, with an access-log entry per
patient whose fiscal code it carries."""

from __future__ import annotations

from corsia.core.actors import User, Workstation, require_permission
from corsia.dispensing import audit_events as events
from corsia.dispensing import selectors
from corsia.dispensing.permissions import EXPORT_FILE_F
from corsia.inventory.domain import file_f
from corsia.inventory.services import FileFExtraction, file_f_extract, file_f_request_check


def dispensing_file_f_export(
    *,
    year: int,
    month: int,
    hospital_code: str,
    output_format: str,
    actor: User,
    workstation: Workstation,
) -> FileFExtraction:
    """Build the month's direct-distribution File F (``csv`` or ``fixed``)."""
    require_permission(actor, EXPORT_FILE_F, "Non hai il permesso di estrarre il File F.")
    file_f_request_check(year=year, month=month, output_format=output_format)
    return file_f_extract(
        dispensations=selectors.file_f_dispensations(year=year, month=month),
        year=year,
        month=month,
        hospital_code=hospital_code,
        output_format=output_format,
        actor=actor,
        workstation=workstation,
        event=events.FILE_F_EXPORTED,
        title="File F distribuzione diretta",
        audit_after={"type": file_f.DispensationType.DIRECT.value},
    )
