"""The four-eyes rule for regimen validation, and what makes a version prescribable.

A version is validated by two distinct people holding the validator permission, neither
of whom wrote it. Each approval is a separate act, traced by the service.
"""

from __future__ import annotations

from dataclasses import dataclass

from corsia.core.domain.codes import LabelledCode
from corsia.core.domain.errors import ConflictError, CorsiaError, PermissionRefused

REQUIRED_APPROVALS = 2


class VersionStatus(LabelledCode):
    IN_TEST = "in_test", "In test"
    VALIDATED = "validated", "Validato"
    SUPERSEDED = (
        "superseded",
        "Sostituito da una versione successiva",
    )  # a later version was validated
    WITHDRAWN = (
        "withdrawn",
        "Ritirato prima della validazione",
    )  # replaced by a later version before being validated


STATUS_LABELS_IT: dict[VersionStatus, str] = VersionStatus.labels_it()


class ApprovalRefused(ConflictError):
    code = "approval_refused"


class NotPrescribable(CorsiaError):
    code = "regimen_not_prescribable"
    status = 409


@dataclass(frozen=True)
class ApprovalOutcome:
    approvals_after: int
    validated: bool


def decide_approval(
    *,
    status: VersionStatus,
    author_id: int | None,
    approver_id: int,
    approver_is_validator: bool,
    previous_approver_ids: frozenset[int],
) -> ApprovalOutcome:
    """Accept one approval or refuse it with a reason; pure."""
    if not approver_is_validator:
        raise PermissionRefused(
            "Solo chi ha il permesso di validare gli schemi può approvarli.",
            code="not_a_validator",
        )
    if status is not VersionStatus.IN_TEST:
        raise ApprovalRefused(
            "Si possono approvare solo le versioni «in test».",
            code="version_not_in_test",
            details={"status": status.value},
        )
    if author_id is not None and approver_id == author_id:
        raise ApprovalRefused(
            "Chi ha scritto la versione non può esserne uno dei validatori (principio dei quattro occhi).",
            code="approval_by_author",
        )
    if approver_id in previous_approver_ids:
        raise ApprovalRefused(
            "Hai già approvato questa versione: serve l'approvazione di un secondo validatore.",
            code="approval_duplicate",
        )
    count = len(previous_approver_ids) + 1
    return ApprovalOutcome(approvals_after=count, validated=count >= REQUIRED_APPROVALS)


def ensure_prescribable_status(*, status: VersionStatus, regimen_active: bool, label: str) -> None:
    """Refuse to build an order from a version that is not validated and current."""
    if not regimen_active:
        raise NotPrescribable(
            f"Lo schema {label} è disattivato e non può essere prescritto.",
            code="regimen_disabled",
        )
    if status is VersionStatus.IN_TEST:
        raise NotPrescribable(
            f"Lo schema {label} è in test: può essere prescritto solo dopo la validazione "
            "di due validatori distinti.",
            code="regimen_not_validated",
        )
    if status in (VersionStatus.SUPERSEDED, VersionStatus.WITHDRAWN):
        raise NotPrescribable(
            f"La versione {label} è stata sostituita: prescrivere dalla versione corrente.",
            code="regimen_version_superseded",
        )
