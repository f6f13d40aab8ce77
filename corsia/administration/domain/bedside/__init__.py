"""Bedside verification: the checks before a drug is given (pure).

DOMAIN.md safety rule 11 and the Ministry of Health Recommendation n. 14 (2012): the nurse
scans the patient's wristband, their own badge and the label of the preparation; wrong
patient, wrong drug, wrong dose, expired or unreleased preparation and wrong sequence
block the administration.

:func:`bedside_check` returns *every* refusal of one verification, each with a stable
English ``code``, the :class:`Check` it belongs to, an Italian message, and whether it
may be overridden. :func:`bedside_decide` applies the nurse's overrides: only the
refusals listed in :data:`OVERRIDABLE` may be overridden, each with its own reason.
Wrong patient, wrong drug, wrong dose, expired or unreleased preparation, a suspended
order or item can never be overridden.

Route (ISMP; NHS England guidance on intrathecal chemotherapy and on vinca alkaloids): the
preparation's route must be the order line's (``wrong_route``); a vinca alkaloid is given
intravenously only (``vinca_route_not_iv``); an intrathecal drug is given only with a
physician identified by their own badge, as the person administering or as the co-signer
scanned at the bedside (``intrathecal_physician_required``). A lot past its expiry date
(``lot_expired``) and a transport temperature excursion the pharmacist has not released
(``transport_excursion``) block like an expired preparation. None of these is overridable.

Pharmacogenomics (H61): a DPYD / TPMT / NUDT15 / UGT1A1 result recorded after the
pharmacist's validation that no override or acknowledgement on the order covers refuses
the drug it concerns (``pgx_result_after_validation``), not overridable by the nurse: a
physician or the pharmacist acknowledges it on the order.

Label payloads: ``PRP`` + zero-padded preparation id (printed by the UFA), ``WRD`` +
order item id (printed on the ward for ward-competence drugs, :func:`ward_label_payload`).

The package: ``labels`` (payloads), ``scan`` (what a verification looks at), ``checks``
(the rules), ``refusals`` (the answer and the overrides), ``ending`` (volume given, order
complete); every public name is here.
"""

from __future__ import annotations

from corsia.administration.domain.bedside.checks import (
    INTRATHECAL,
    INTRAVENOUS,
    ROUTE_LABELS_IT,
    bedside_check,
)
from corsia.administration.domain.bedside.ending import (
    VolumeRefused,
    item_complete,
    volume_given_check,
)
from corsia.administration.domain.bedside.labels import (
    LabelKind,
    LabelRef,
    diluent_volume_ml,
    parse_label,
    ward_label_payload,
)
from corsia.administration.domain.bedside.refusals import (
    CHECK_LABELS_IT,
    OVERRIDABLE,
    Check,
    Decision,
    OverrideRefused,
    Refusal,
    bedside_decide,
)
from corsia.administration.domain.bedside.scan import (
    ADMINISTRABLE_ORDER_STATES,
    ITEM_ACTIVE,
    AllergyAlert,
    BedsidePolicy,
    BedsideScan,
    ItemView,
    PgxAlert,
    PreparationView,
    Progress,
    TransportView,
)

__all__ = [
    "ADMINISTRABLE_ORDER_STATES",
    "CHECK_LABELS_IT",
    "INTRATHECAL",
    "INTRAVENOUS",
    "ITEM_ACTIVE",
    "OVERRIDABLE",
    "ROUTE_LABELS_IT",
    "AllergyAlert",
    "BedsidePolicy",
    "BedsideScan",
    "Check",
    "Decision",
    "ItemView",
    "LabelKind",
    "LabelRef",
    "OverrideRefused",
    "PgxAlert",
    "PreparationView",
    "Progress",
    "Refusal",
    "TransportView",
    "VolumeRefused",
    "bedside_check",
    "bedside_decide",
    "diluent_volume_ml",
    "item_complete",
    "parse_label",
    "volume_given_check",
    "ward_label_payload",
]
