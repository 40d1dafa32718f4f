"""Demo people, one per role, so that a newcomer can sign in and see each home page.

Only for local use: `make run` loads them. The accounts live under the reserved .example domain.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction

from .services import member_provision

DEMO_DOMAIN = "demo.cib-portal.example"
DEMO_PASSWORD = "demo-portal-2026"
# A fixed TOTP secret so the demo's national and regional accounts can pass MFA: add it to an
# authenticator app, or run `manage.py demo_totp_code EMAIL`.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

DEMO_COUNCIL = "E08000035"  # Leeds
DEMO_REGION = "E12000003"  # Yorkshire and The Humber


@dataclass(frozen=True)
class DemoPerson:
    local_part: str
    full_name: str
    organisation: str
    role: str
    what: str


DEMO_PEOPLE = [
    DemoPerson(
        "officer", "Olivia Officer", DEMO_COUNCIL, "council_officer", "Council officer, Leeds"
    ),
    DemoPerson(
        "dcs", "Dev Director", DEMO_COUNCIL, "dcs", "Director of children's services, Leeds"
    ),
    DemoPerson(
        "challenger",
        "Bea Bradford",
        "E08000032",
        "dcs",
        "Director of children's services, Bradford (peer challenger)",
    ),
    DemoPerson(
        "regional-lead",
        "Rita Regional",
        DEMO_REGION,
        "regional_lead_dcs",
        "Regional lead DCS, Yorkshire and The Humber (MFA)",
    ),
    DemoPerson(
        "lead-member",
        "Leon Member",
        DEMO_REGION,
        "regional_lead_member",
        "Regional lead member, Yorkshire and The Humber (MFA)",
    ),
    DemoPerson(
        "region-pm",
        "Priya Programme",
        DEMO_REGION,
        "regional_programme_manager",
        "Regional programme manager, Yorkshire and The Humber",
    ),
    DemoPerson(
        "adviser",
        "Alex Adviser",
        DEMO_REGION,
        "principal_adviser",
        "LGA principal adviser for Yorkshire and The Humber (MFA)",
    ),
    DemoPerson(
        "national-adviser",
        "Nadia National",
        "national",
        "principal_adviser",
        "LGA principal adviser, national (MFA)",
    ),
    DemoPerson(
        "programme-manager",
        "Pat Manager",
        "national",
        "programme_manager",
        "LGA programme manager, national (MFA)",
    ),
    DemoPerson(
        "cib-admin", "Cara Admin", "national", "cib_admin", "CIB administrator, national (MFA)"
    ),
]


def demo_working_week(monday: date) -> date:
    """The Monday of the first week from `monday` on that is a working week: not the weeks
    around Christmas and New Year (24 December to 1 January), when no one is on site. Demo
    dates start on it, so a five-day visit runs Monday to Friday."""
    monday -= timedelta(days=monday.weekday())
    while True:
        friday = monday + timedelta(days=4)
        holiday = date(monday.year, 12, 24)
        new_year = date(friday.year, 1, 1)
        if not (monday <= new_year <= friday or holiday <= friday <= date(monday.year, 12, 31)):
            return monday
        monday += timedelta(weeks=1)


def demo_email(person: DemoPerson) -> str:
    return f"{person.local_part}@{DEMO_DOMAIN}"


@transaction.atomic
def load_demo_people() -> list[tuple[DemoPerson, str, bool]]:
    """Create the demo accounts if missing; returns (person, email, created) for each."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    from cib_portal import access

    out = []
    for person in DEMO_PEOPLE:
        user, _, user_created, membership_created = member_provision(
            email=demo_email(person),
            organisation_code=person.organisation,
            role=person.role,
            full_name=person.full_name,
        )
        if not user.has_usable_password():
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        EmailAddress.objects.get_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        access.forget_grants(user)
        if (
            access.requires_mfa(user)
            and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        ):
            TOTP.activate(user, DEMO_TOTP_SECRET)
        out.append((person, user.email, user_created or membership_created))
    return out
