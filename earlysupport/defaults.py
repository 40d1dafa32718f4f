"""The risk rules of DOMAIN.md ("Early support and risk flags"), as the portal first ships
them. `rules_sync()` adds any that are missing and never overwrites one national staff have
edited (thresholds and weights are theirs to change, with a reason)."""

from __future__ import annotations

from django.db import transaction

from .models import Rule

WORKFORCE_INDICATORS = ["sw_turnover_pct", "sw_agency_pct", "sw_vacancy_pct"]
DETERIORATION_INDICATORS = ["rereferral_pct", "cpp_subsequent_pct"]

DEFAULT_RULES: list[dict] = [
    {
        "code": "ofsted-inadequate",
        "name": "Ofsted judged children's services Inadequate",
        "kind": "ofsted",
        "severity": "red",
        "weight": 5,
        "params": {"judgements": ["inadequate"]},
        "rationale": (
            "An Inadequate overall judgement is the clearest published sign that children are "
            "not safe or well served; DfE intervention normally follows."
        ),
    },
    {
        "code": "ofsted-requires-improvement",
        "name": "Ofsted judged children's services Requires improvement",
        "kind": "ofsted",
        "severity": "amber",
        "weight": 2,
        "params": {"judgements": ["requires_improvement"]},
        "rationale": (
            "Requires improvement means services are not yet good; some councils in this "
            "position decline before their next inspection."
        ),
    },
    {
        "code": "in-intervention",
        "name": "In DfE intervention",
        "kind": "intervention",
        "severity": "red",
        "weight": 5,
        "params": {"kinds": ["improvement_notice", "statutory_direction"]},
        "rationale": (
            "An improvement notice or statutory direction means the DfE has judged that the "
            "council needs outside help to improve."
        ),
    },
    {
        "code": "leadership-instability",
        "name": "Leadership instability",
        "kind": "leadership",
        "severity": "amber",
        "weight": 2,
        "params": {"changes": 2, "months": 24},
        "rationale": (
            "Two or more changes of director of children's services within two years often "
            "go with drift in practice and strategy."
        ),
    },
    {
        "code": "workforce-pressure",
        "name": "Workforce pressure",
        "kind": "workforce",
        "severity": "amber",
        "weight": 2,
        "params": {"worst_quartile": True, "above_neighbours_by": 5},
        "indicators": WORKFORCE_INDICATORS,
        "rationale": (
            "High social worker turnover, vacancy or agency rates make relationships with "
            "children harder to keep and practice harder to improve. Flagged when a rate is in "
            "the worst national quartile, or more than the stated number of percentage points "
            "above the statistical-neighbour mean."
        ),
    },
    {
        "code": "deterioration",
        "name": "Deterioration in a key indicator",
        "kind": "deterioration",
        "severity": "amber",
        "weight": 1,
        "params": {"periods": 3},
        "indicators": DETERIORATION_INDICATORS,
        "rationale": (
            "A key indicator worse than the statistical neighbours and moving the wrong way "
            "for three periods in a row may show a service losing its grip."
        ),
    },
]


@transaction.atomic
def rules_sync() -> int:
    """Create the default rules that are missing; returns how many were created."""
    created = 0
    for spec in DEFAULT_RULES:
        _, made = Rule.objects.get_or_create(code=spec["code"], defaults=spec)
        created += made
    return created
