"""Early support fixtures: the default rules, and the people around Leeds' flags.

Flags are confidential to the council's senior leaders (`dcs`, `lead_member`), its region's
leads (`regional_lead`) and the advisers (`adviser`, `national_adviser`); Leeds' `officer`,
`other_officer` (Manchester), `other_regional_lead` (North West) and `cib_admin` see none.
"""

from __future__ import annotations

import pytest

from tests.conftest import LEEDS
from tests.factories import make_member


@pytest.fixture
def risk_rules(reference_data):
    """The default rules (made once per database; tests may change them)."""
    from earlysupport.defaults import rules_sync
    from earlysupport.models import Rule

    rules_sync()
    return {r.code: r for r in Rule.objects.all()}


@pytest.fixture
def lead_member(reference_data):
    """Leeds' lead member: a senior leader who sees Leeds' flags."""
    return make_member(LEEDS, "lead_member", email="member@leeds.example")
