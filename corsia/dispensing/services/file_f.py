"""The direct distribution's File F (type ``D``): the month's desk dispensings, in the
same layout as the UFA's (``corsia.inventory.domain.file_f``) but a file of its own; the
UFA's extraction leaves the desk's unloads out. Audited, with an access-log entry per
patient whose fiscal code it carries: the one exporter, ``inventory.services.file_f_export``,
with this source."""

from __future__ import annotations

from corsia.dispensing import audit_events as events
from corsia.dispensing import selectors
from corsia.inventory.domain import file_f
from corsia.inventory.services import FileFSource

# extracted by corsia.inventory.services.file_f_export(..., source=FILE_F_DIRECT)
FILE_F_DIRECT = FileFSource(
    select_months=selectors.file_f_dispensations_by_month,
    event=events.FILE_F_EXPORTED,
    title="File F distribuzione diretta",
    audit_after={"type": file_f.DispensationType.DIRECT.value},
)
