"""The report kinds the portal can make, each declared by the app that owns it.

An app describes each of its kinds in its own `reports.py` as a `ReportKindSpec` and registers
it from its `AppConfig.ready()`; `reports` makes, stores and serves the PDFs without knowing any
domain app. A kind is a `ReportKind` member (the job's `kind` column), never a bare string.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured

from .models import ReportJob, ReportKind

# What the apps' reports.py modules name: a kind, and the job that render(job) is given. They
# import them from here (the registry is reports' public face), not from reports.models.
__all__ = ["ReportJob", "ReportKind", "ReportKindSpec", "get", "register", "registered"]

if TYPE_CHECKING:
    from accounts.models import User


@dataclass(frozen=True)
class ReportKindSpec:
    """How one kind of report is made and who may download it.

    render(job) returns the template's context (the reports layer adds `generated_at` and
    `requested_by`, renders `template` and makes the PDF). may_view(user, job) says whether the
    person who asked for the job may still see its subject; the reports layer has already
    checked that the job is theirs and that they are a member.
    """

    kind: ReportKind
    template: str
    render: Callable[[ReportJob], dict[str, Any]]
    may_view: Callable[[User, ReportJob], bool]

    @property
    def label(self) -> str:
        return str(self.kind.label)


_SPECS: dict[str, ReportKindSpec] = {}


def register(spec: ReportKindSpec) -> ReportKindSpec:
    """Add a kind; registering the same spec twice is harmless, two specs for a kind are not."""
    if not isinstance(spec.kind, ReportKind):
        raise ImproperlyConfigured(f"Report kind {spec.kind!r} is not a ReportKind member.")
    known = _SPECS.get(spec.kind)
    if known is not None and known != spec:
        raise ImproperlyConfigured(f"Report kind {spec.kind!r} is registered twice.")
    _SPECS[spec.kind] = spec
    return spec


def get(kind: str) -> ReportKindSpec:
    """The spec of a kind, or LookupError if no app registered it."""
    try:
        return _SPECS[kind]
    except KeyError:
        raise LookupError(f"No app registered the report kind {kind!r}.") from None


def registered() -> dict[str, ReportKindSpec]:
    """Every registered kind, by its value."""
    return dict(_SPECS)
