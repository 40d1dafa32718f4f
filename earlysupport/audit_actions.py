"""Early support's audit action names, in the one style `<thing>.<what_happened>`."""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    # Risk flags and their triage (earlysupport.services.triage).
    FLAG_RAISE = "flag.raise"
    FLAG_TRANSITION = "flag.transition"
    FLAG_ASSIGN = "flag.assign"
    FLAG_NOTE = "flag.note"
    # The facts the rules read (earlysupport.services.facts and fact_imports).
    INTERVENTION_CREATE = "intervention.create"
    INTERVENTION_UPDATE = "intervention.update"
    INTERVENTION_DELETE = "intervention.delete"
    INTERVENTION_IMPORT = "intervention.import"
    DCS_TENURE_CREATE = "dcs_tenure.create"
    DCS_TENURE_UPDATE = "dcs_tenure.update"
    DCS_TENURE_DELETE = "dcs_tenure.delete"
    DCS_TENURE_IMPORT = "dcs_tenure.import"
    # The rules (earlysupport.services.rules).
    RULE_UPDATE = "rule.update"
