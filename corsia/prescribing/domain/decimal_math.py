"""Square roots and real powers of Decimals, without going through float.

Precision: every function computes in a private context of ``WORKING_PRECISION``
(40) significant digits, then rounds the result to ``RESULT_PRECISION`` (28, the
default Decimal precision) with ROUND_HALF_EVEN. ``Decimal.sqrt``, ``ln`` and
``exp`` are correctly rounded in their context, so ``x ** y`` computed as
``exp(y × ln x)`` carries a relative error well below 1e-30 before the final
rounding: the 28 digits returned are exact for every clinical purpose (a BSA is
shown to 2 decimals, a dose to at most 4).
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Context, Decimal, localcontext

WORKING_PRECISION = 40
RESULT_PRECISION = 28

_RESULT_CONTEXT = Context(prec=RESULT_PRECISION, rounding=ROUND_HALF_EVEN)


def decimal_sqrt(value: Decimal) -> Decimal:
    """√value for value ≥ 0."""
    if value < 0:
        raise ValueError("square root of a negative number")
    with localcontext() as ctx:
        ctx.prec = WORKING_PRECISION
        root = value.sqrt()
    return _RESULT_CONTEXT.plus(root)


def decimal_power(base: Decimal, exponent: Decimal) -> Decimal:
    """base ** exponent for base > 0 and any real exponent (via exp(exponent × ln base))."""
    if base <= 0:
        raise ValueError("power of a non-positive base")
    with localcontext() as ctx:
        ctx.prec = WORKING_PRECISION
        if exponent == exponent.to_integral_value():
            result = base ** int(exponent)
        else:
            result = (exponent * base.ln()).exp()
    return _RESULT_CONTEXT.plus(result)
