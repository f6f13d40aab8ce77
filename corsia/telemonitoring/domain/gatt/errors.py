"""The one error a GATT decoder raises."""

from __future__ import annotations

from corsia.core.domain.errors import ValidationFailed


class GattDecodeError(ValidationFailed):
    """Bytes that are not a valid measurement of the characteristic (truncated, a
    special value where a number is required, an unknown characteristic)."""

    code = "gatt_malformed"
