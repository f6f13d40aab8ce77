"""The ward requests' API schemas (``/api/v1/requests/``).

No ``from __future__ import annotations`` (ninja resolves annotations at runtime).
"""

from ninja import Schema
from pydantic import Field

from corsia.core.schemas import IsoDate, IsoDatetime, RecordId


class LineIn(Schema):
    product: str = Field(max_length=40, description="Corsia product code")
    units: int = Field(description="whole units (vials, tablets), 1 to 100,000")
    patient_id: RecordId | None = Field(None, description="named requests: the patient")
    note: str = Field("", max_length=200)


class RequestIn(Schema):
    cabinet: str = Field(max_length=30, description="the ward cabinet's location code")
    kind: str = Field(description="named_patient | ward_stock", max_length=20)
    urgency: str = Field(description="urgent | routine", max_length=10)
    note: str = Field("", max_length=2000)
    submit: bool = Field(False, description="send to the pharmacy at once")
    lines: list[LineIn] = Field(max_length=200)

    model_config = {
        "json_schema_extra": {
            "example": {
                "cabinet": "ARM-DH",
                "kind": "ward_stock",
                "urgency": "routine",
                "submit": True,
                "lines": [{"product": "ondansetron_8mg_4ml", "units": 20}],
            }
        }
    }


class RestockRequestIn(Schema):
    cabinet: str = Field(max_length=30, description="the ward cabinet's location code")
    urgency: str = Field("routine", description="urgent | routine", max_length=10)
    note: str = Field("", max_length=2000)
    submit: bool = Field(False, description="send to the pharmacy at once")


class VersionIn(Schema):
    version: int | None = Field(None, description="the version the screen showed")


class CancelIn(VersionIn):
    reason: str = Field(max_length=500)


class DecisionIn(Schema):
    line_id: RecordId
    decision: str = Field(description="approve | modify | refuse | substitute", max_length=12)
    units: int | None = Field(None, description="modify / substitute: the units approved")
    reason: str = Field("", max_length=500)
    substitute: str = Field("", max_length=40, description="substitute: its product code")


class EvaluateIn(VersionIn):
    note: str = Field("", max_length=500)
    lines: list[DecisionIn] = Field(max_length=200)


class ScanIn(Schema):
    barcode: str = Field(
        max_length=200, description="GS1 DataMatrix text, or the AIC (Code 39) with `lot`"
    )
    lot: str = Field("", max_length=40, description="the lot, when the barcode has none")
    line_id: RecordId | None = Field(None, description="pick: the line (default: the first)")
    withdrawn_override_reason: str = Field(
        "",
        max_length=1000,
        description="a pharmacist's reason to use a pack withdrawn from the market "
        "(else 422 pack_withdrawn)",
    )


class ClosePickIn(Schema):
    reason: str = Field("", max_length=500, description="required when the pick is short")


class CountIn(Schema):
    line_id: RecordId
    units: int | None = Field(None, description="units arrived (default: the packs scanned)")
    reason: str = Field("", max_length=500, description="required for a difference")


class ReceiveIn(Schema):
    note: str = Field("", max_length=500)
    lines: list[CountIn] = Field(default_factory=list, max_length=200)


class ReturnIn(Schema):
    cabinet: str = Field(max_length=30)
    product: str = Field(max_length=40)
    lot: str = Field(max_length=40)
    units: int
    to_location: str = Field(max_length=30, description="the pharmacy place it goes back to")
    reason: str = Field(max_length=500)


class ParLevelIn(Schema):
    cabinet: str = Field(max_length=30)
    product: str = Field(max_length=40)
    par: int
    reorder_point: int
    active: bool = True


class PatientOut(Schema):
    id: int
    mrn: str
    name: str


class LineOut(Schema):
    id: int
    position: int
    product_code: str
    product: str
    patient: PatientOut | None
    units_requested: int
    note: str
    decision: str
    decision_reason: str
    substitute_code: str | None
    units_approved: int | None
    units_picked: int
    units_received: int | None


class StepOut(Schema):
    action: str
    state: str
    reason: str
    actor: str
    workstation: str
    at: IsoDatetime


class DiscrepancyOut(Schema):
    line_id: int
    kind: str
    units: int
    reason: str
    actor: str
    at: IsoDatetime


class RequestSummaryOut(Schema):
    id: int
    number: str
    version: int
    ward: str
    cabinet: str
    kind: str
    urgency: str
    state: str
    requested_by: str
    requested_at: IsoDatetime
    delivery_number: str


class RequestPage(Schema):
    """A page of requests (the API's paging: ``count`` in all, ``limit`` from ``offset``)."""

    count: int
    limit: int
    offset: int
    items: list[RequestSummaryOut]


class RequestOut(RequestSummaryOut):
    note: str
    picker: str | None
    lines: list[LineOut]
    steps: list[StepOut]
    discrepancies: list[DiscrepancyOut]


class ScanOut(Schema):
    id: int
    line_id: int
    act: str
    product_code: str
    lot: str
    expiry: IsoDate
    units: int
    location: str | None
    units_picked: int
    units_approved: int | None
    market_warning: str = ""  # the pack's open AIFA shortage, "" when none (never a block)


class PickTakeOut(Schema):
    product_code: str
    lot: str
    expiry: IsoDate
    location: str
    units: int


class PickListOut(Schema):
    takes: list[PickTakeOut]
    shortages: dict[str, int]


class MovementOut(Schema):
    id: int
    kind: str
    product_code: str
    lot: str
    expiry: IsoDate
    quantity: int
    from_location: str | None
    to_location: str | None
    reference: str
    reason: str


class RestockOut(Schema):
    product_code: str
    on_hand: int
    in_transit: int
    par: int
    reorder_point: int
    units: int


class ParLevelOut(Schema):
    cabinet: str
    product_code: str
    par: int
    reorder_point: int
    active: bool


class CabinetProductOut(Schema):
    product_code: str
    product: str
    on_hand: int
    expired: int
    near_expiry: int
    next_expiry: IsoDate | None
    par: int | None
    reorder_point: int | None
    to_restock: bool


class CabinetOut(Schema):
    cabinet: str
    name: str
    ward: str
    ward_name: str
    products: list[CabinetProductOut]


class WardStockFilters(Schema):
    ward: str = Field("", max_length=20, description="one ward's cabinets (default: all)")
    days: int = Field(60, ge=0, le=730, description="near expiry: within this many days")


class CabinetQuery(Schema):
    cabinet: str = Field(max_length=30, description="the ward cabinet's location code")


class ListFilters(Schema):
    state: str = Field("", max_length=12)
    ward: str = Field("", max_length=20)
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=10**9, description="requests skipped (the next page)")


class DeliveryLineOut(Schema):
    position: int
    product_code: str
    product: str
    aic: str
    lot: str
    expiry: IsoDate
    units: int


class DeliveryDocumentOut(Schema):
    request: str
    delivery_number: str
    ward: str
    ward_name: str
    cabinet: str
    cabinet_name: str
    kind: str
    urgency: str
    state: str
    picker: str | None
    delivered_at: IsoDatetime | None
    lines: list[DeliveryLineOut]
