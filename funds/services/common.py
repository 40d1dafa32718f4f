"""What every funds service shares: the refusal a person can act on, and money as text."""

from __future__ import annotations


class FundsError(Exception):
    """A funds change that cannot be made, with a message for the person who asked."""


def pounds(pence: int) -> str:
    """Pence as money for people: 123456 -> "£1,234.56"."""
    sign = "-" if pence < 0 else ""
    pence = abs(int(pence))
    return f"{sign}£{pence // 100:,}.{pence % 100:02d}"


def pence_text(pence: int) -> str:
    """Pence as plain pounds and pence, for CSV cells and money fields: 123456 -> "1234.56"."""
    sign = "-" if pence < 0 else ""
    pence = abs(int(pence))
    return f"{sign}{pence // 100}.{pence % 100:02d}"
