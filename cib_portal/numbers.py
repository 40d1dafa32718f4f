"""Figures as people read them, rounded as DfE rounds its published statistics: half up.

Never through float: a float cannot hold most decimals exactly (16.25 is fine, 0.125 is, but
2.675 is 2.67499...), and Python's `round` and format both round halves to even, so a mean of
124.5 would read 124. Every figure the portal formats goes through `round_half_up`.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def to_decimal(value: Decimal | float | int | str) -> Decimal:
    """A Decimal of the value; a float is taken by its shortest repr (0.1 is 0.1, not
    0.1000000000000000055...), which is the figure it was meant to be."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


def round_half_up(value: Decimal | float | int | str, decimals: int = 0) -> Decimal:
    """The value to `decimals` places, halves away from zero (124.5 -> 125, 16.25 -> 16.3,
    -0.05 -> -0.1)."""
    return to_decimal(value).quantize(Decimal(1).scaleb(-int(decimals)), rounding=ROUND_HALF_UP)


def format_decimal(
    value: Decimal | float | int | str, decimals: int = 0, *, separators: bool = True
) -> str:
    """The value rounded half up to `decimals` places, thousands separated ("1,234.5")."""
    rounded = round_half_up(value, decimals)
    if rounded == 0:
        rounded = abs(rounded)  # no "-0.0"
    return f"{rounded:,.{int(decimals)}f}" if separators else f"{rounded:.{int(decimals)}f}"


def decimal_text(value: Decimal | None) -> str | None:
    """A figure as a plain decimal string without trailing zeros ("37.5", "1200"), or None:
    the API's way of writing days and figures, never a float."""
    if value is None:
        return None
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text
