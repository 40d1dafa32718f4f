"""What every support service shares: the refusal a person can act on."""

from __future__ import annotations


class SupportError(Exception):
    """A support change that cannot be made, with the reason for the person who asked."""

    @property
    def reason(self) -> str:
        return str(self.args[0]) if self.args else ""
