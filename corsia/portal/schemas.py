"""The portal API's bodies."""

from datetime import datetime

from ninja import Schema
from pydantic import Field


class AccountIn(Schema):
    patient_id: int = Field(ge=1, le=2**63 - 1)
    email: str = Field(default="", max_length=254)
    phone: str = Field(default="", max_length=40)


class AccountOut(Schema):
    id: int
    patient_id: int
    active: bool
    email: str
    phone: str
    created_at: datetime


class ReleaseOut(Schema):
    document_id: int
    patient_id: int
    released_at: datetime


class SuspendIn(Schema):
    reason: str = Field(min_length=1, max_length=300)
