"""Peer challenge writes, one module per part: programmes (creating, councils taking part and
kept apart, conflicts, publishing), pairings (the optimiser and changes by hand), a
challenge's workspace and scheduling. Each change is one transaction, audited.

The programme and pairing services are also importable from here (`services.programme_create`).
"""

from .pairings import (
    BY_HAND,
    Inputs,
    challenge_set_challengers,
    challenge_set_locked,
    committed_days,
    inputs_name,
    last_years_partners,
    programme_generate,
    programme_inputs,
)
from .programmes import (
    MODEL_DEFAULT_SIZE,
    ProgrammeError,
    conflict_declare,
    exclusion_add,
    exclusion_remove,
    participant_add,
    participant_remove,
    programme_create,
    programme_publish,
)

__all__ = [
    "BY_HAND",
    "MODEL_DEFAULT_SIZE",
    "Inputs",
    "ProgrammeError",
    "challenge_set_challengers",
    "challenge_set_locked",
    "committed_days",
    "conflict_declare",
    "exclusion_add",
    "exclusion_remove",
    "inputs_name",
    "last_years_partners",
    "participant_add",
    "participant_remove",
    "programme_create",
    "programme_generate",
    "programme_inputs",
    "programme_publish",
]
