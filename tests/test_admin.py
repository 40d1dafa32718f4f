"""The Django admin grants by role: who may read and change each model there.

User accounts, memberships and invitations (anything that grants a role) are for superusers
only; every other model's admin is open to the national roles DOMAIN.md gives that material;
a private comparison group is its owner's alone; an invitation's token is never shown. Every
registered admin's add and change forms render (they answered 500 through the project's form
renderer).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib import admin
from django.contrib.admin.utils import quote
from django.db.backends.postgresql.psycopg_any import DateRange
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation
from audit.models import AuditEvent
from regions.models import Council, Membership, Organisation, Region
from tests.conftest import BRADFORD, LEEDS, YORKSHIRE
from tests.factories import UserFactory, make_member

pytestmark = pytest.mark.django_db

# Admins that change nothing, whoever asks: their rows change through the portal's services
# (which keep the hard rules and the audit trail), or are a record of what happened.
READ_ONLY_ADMINS = {
    "reviews.booking",
    "peerchallenge.programme",
    "peerchallenge.challenge",
    "peerchallenge.declaredconflict",
    "datasets.importrun",
    "audit.auditevent",
    "support.supportrequest",
}


@pytest.fixture
def superuser(reference_data):
    return UserFactory(email="root@cib.example", is_superuser=True, is_staff=True)


@pytest.fixture
def programme_manager(reference_data):
    return make_member("national", "programme_manager", email="pm@lga.example")


def _url(obj, view: str = "change") -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[quote(obj.pk)])


def _changelist(model) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")


def _booking(requested_by, *, scope: str = ""):
    from reviews.catalogue import products_sync
    from reviews.models import Booking, Product

    products_sync()
    product = Product.objects.get(code="lscb_diagnostic")
    first_day = date(2026, 6, 1)
    return Booking.objects.create(
        council=Council.objects.get(gss_code=LEEDS),
        product=product,
        status="scoping",
        first_on_site_day=first_day,
        on_site=DateRange(first_day, first_day + timedelta(days=product.on_site_days)),
        charging_basis="subsidised",
        scope=scope,
        requested_by=requested_by,
    )


def _challenge(created_by):
    from peerchallenge.models import Challenge, Programme

    programme = Programme.objects.create(
        region=Region.objects.get(gss_code=YORKSHIRE),
        year=2026,
        model="pairs",
        starts_on=date(2026, 4, 1),
        ends_on=date(2027, 3, 31),
        focus="Help and protection",
        status="published",
        created_by=created_by,
    )
    return Challenge.objects.create(
        programme=programme,
        host=Council.objects.get(gss_code=LEEDS),
        status="preparing",
        focus="Help",
    )


# --- User accounts, memberships and superuser status are for superusers only ---------------


def _user_change_data(user, **extra) -> dict:
    data = {
        "email": user.email,
        "full_name": user.full_name,
        "job_title": "",
        "is_active": "on",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    data.update(extra)
    return data


def test_principal_adviser_cannot_make_themselves_superuser(national_adviser, client_for):
    client = client_for(national_adviser)
    url = _url(national_adviser)
    assert client.get(url).status_code == 404
    response = client.post(url, _user_change_data(national_adviser, is_superuser="on"))
    assert response.status_code == 404
    national_adviser.refresh_from_db()
    assert not national_adviser.is_superuser
    assert not national_adviser.is_staff


def test_superuser_can_make_someone_superuser(superuser, national_adviser, client_for):
    response = client_for(superuser).post(
        _url(national_adviser), _user_change_data(national_adviser, is_superuser="on")
    )
    assert response.status_code == 302
    national_adviser.refresh_from_db()
    assert national_adviser.is_superuser


def _membership_data(user, role: str) -> dict:
    return {
        "user": user.pk,
        "organisation": Organisation.objects.get(code="national").pk,
        "role": role,
        "starts_on": timezone.localdate().isoformat(),
        "ends_on": "",
    }


def test_national_staff_cannot_add_a_cib_admin_membership(
    national_adviser, programme_manager, cib_admin, client_for
):
    add_url = reverse("admin:regions_membership_add")
    for person in (national_adviser, programme_manager, cib_admin):
        client = client_for(person)
        assert client.get(add_url).status_code == 404
        assert client.get(_changelist(Membership)).status_code == 404
        response = client.post(add_url, _membership_data(national_adviser, "cib_admin"))
        assert response.status_code == 404
    assert not Membership.objects.filter(user=national_adviser, role="cib_admin").exists()


def test_national_staff_cannot_change_or_end_a_membership(national_adviser, client_for):
    membership = national_adviser.memberships.get()
    client = client_for(national_adviser)
    data = _membership_data(national_adviser, "cib_admin")
    assert client.post(_url(membership), data).status_code == 404
    assert client.post(_url(membership, "delete"), {"post": "yes"}).status_code == 404
    membership.refresh_from_db()
    assert membership.role == "principal_adviser"


def test_superuser_can_add_a_membership(superuser, national_adviser, client_for):
    response = client_for(superuser).post(
        reverse("admin:regions_membership_add"), _membership_data(national_adviser, "cib_admin")
    )
    assert response.status_code == 302
    assert Membership.objects.filter(user=national_adviser, role="cib_admin").exists()


def test_admin_index_offers_national_staff_only_what_their_roles_read(
    cib_admin, superuser, client_for
):
    page = client_for(cib_admin).get("/admin/").content.decode()
    assert _changelist(Council) in page
    from peerchallenge.models import Challenge
    from reviews.models import Booking

    for model in (Membership, Invitation, Booking, Challenge):
        assert _changelist(model) not in page
    assert reverse("admin:accounts_user_changelist") not in page
    root_page = client_for(superuser).get("/admin/").content.decode()
    assert reverse("admin:accounts_user_changelist") in root_page


def test_an_organisation_is_changed_by_superusers_only(national_adviser, superuser, client_for):
    leeds = Organisation.objects.get(code=LEEDS)
    data = {"kind": "national", "code": leeds.code, "name": leeds.name}
    response = client_for(national_adviser).post(_url(leeds), data)
    assert response.status_code == 403
    leeds.refresh_from_db()
    assert leeds.kind == "council"
    assert client_for(national_adviser).get(_url(leeds)).status_code == 200


# --- Each model's admin for the roles DOMAIN.md gives that material --------------------------


def test_booking_admin_is_for_the_programme_manager_and_advisers(
    programme_manager, national_adviser, cib_admin, client_for
):
    from reviews.models import Booking

    booking = _booking(programme_manager, scope="SCOPE-OF-THE-LEEDS-REVIEW")
    page = client_for(programme_manager).get(_url(booking))
    assert page.status_code == 200
    assert "SCOPE-OF-THE-LEEDS-REVIEW" in page.content.decode()
    assert client_for(national_adviser).get(_url(booking)).status_code == 200
    outsider = client_for(cib_admin)
    assert outsider.get(_url(booking)).status_code == 404
    assert outsider.get(_changelist(Booking)).status_code == 404


def test_challenge_admin_is_for_the_advisers(
    national_adviser, programme_manager, cib_admin, client_for
):
    from peerchallenge.models import Challenge

    challenge = _challenge(national_adviser)
    assert client_for(national_adviser).get(_url(challenge)).status_code == 200
    for outsider in (cib_admin, programme_manager):
        assert client_for(outsider).get(_url(challenge)).status_code == 404
        assert client_for(outsider).get(_changelist(Challenge)).status_code == 404


def test_audit_trail_shows_each_event_to_those_who_may_read_its_subject(
    national_adviser, programme_manager, cib_admin, client_for
):
    from datasets.models import Indicator

    challenge = _challenge(national_adviser)
    booking = _booking(programme_manager)
    local = Indicator.objects.create(
        code="leeds-secret-local",
        name="SECRET-LOCAL-MEASURE",
        theme="Local",
        unit="count",
        source="local",
        council=Council.objects.get(gss_code=LEEDS),
    )

    def event(action, object_type, object_id, summary):
        return AuditEvent.objects.create(
            action=action, object_type=object_type, object_id=str(object_id), summary=summary
        )

    document = event(
        "challenge.document.upload",
        "peerchallenge.challengedocument",
        challenge.pk,
        "Uploaded SECRET-DOCUMENT-TITLE",
    )
    cancel = event("booking.cancel", "reviews.booking", booking.pk, "cancelled: SECRET-REASON")
    event(
        "local_indicator.create",
        "datasets.indicator",
        local.pk,
        "Added local indicator 'SECRET-LOCAL-MEASURE' for Leeds",
    )
    event("funds.agreement_create", "funds.fundingagreement", 1, "Created AGREEMENT-2026")
    event("membership.create", "regions.membership", 1, "x became CIB administrator")

    changelist = _changelist(AuditEvent)
    seen_by_cib_admin = client_for(cib_admin).get(changelist).content.decode()
    assert "AGREEMENT-2026" in seen_by_cib_admin
    for secret in ("SECRET-DOCUMENT-TITLE", "SECRET-REASON", "SECRET-LOCAL", "became CIB"):
        assert secret not in seen_by_cib_admin
    assert client_for(cib_admin).get(_url(document)).status_code == 404

    seen_by_adviser = client_for(national_adviser).get(changelist).content.decode()
    assert "SECRET-DOCUMENT-TITLE" in seen_by_adviser
    assert "SECRET-LOCAL-MEASURE" in seen_by_adviser
    assert client_for(national_adviser).get(_url(document)).status_code == 200

    seen_by_pm = client_for(programme_manager).get(changelist).content.decode()
    assert "SECRET-REASON" in seen_by_pm
    assert "SECRET-DOCUMENT-TITLE" not in seen_by_pm
    assert client_for(programme_manager).get(_url(cancel)).status_code == 200


def test_local_indicators_in_the_admin_follow_the_local_indicator_rule(
    national_adviser, cib_admin, client_for
):
    from datasets.models import Indicator

    local = Indicator.objects.create(
        code="leeds-unshared",
        name="UNSHARED-LOCAL-MEASURE",
        theme="Local",
        unit="count",
        source="local",
        council=Council.objects.get(gss_code=LEEDS),
    )
    assert client_for(national_adviser).get(_url(local)).status_code == 200
    assert client_for(cib_admin).get(_url(local)).status_code == 404
    page = client_for(cib_admin).get(_changelist(Indicator) + "?q=UNSHARED").content.decode()
    assert "UNSHARED-LOCAL-MEASURE" not in page


def test_a_private_comparison_group_is_its_owners_alone(
    national_adviser, cib_admin, superuser, client_for
):
    from datasets.models import ComparisonGroup

    group = ComparisonGroup.objects.create(name="ADVISERS-PRIVATE-GROUP", owner=national_adviser)
    group.councils.set(Council.objects.filter(gss_code__in=[LEEDS, BRADFORD]))
    owner_page = client_for(national_adviser).get(_url(group))
    assert owner_page.status_code == 200
    for other in (cib_admin, superuser):
        client = client_for(other)
        assert client.get(_url(group)).status_code == 404
        assert (
            "ADVISERS-PRIVATE-GROUP"
            not in client.get(_changelist(ComparisonGroup)).content.decode()
        )
        assert client.post(_url(group, "delete"), {"post": "yes"}).status_code == 404
    assert ComparisonGroup.objects.filter(pk=group.pk).exists()


def test_a_comparison_group_added_in_the_admin_belongs_to_whoever_adds_it(
    national_adviser, cib_admin, client_for
):
    from datasets.models import ComparisonGroup

    leeds = Council.objects.get(gss_code=LEEDS)
    response = client_for(cib_admin).post(
        reverse("admin:datasets_comparisongroup_add"),
        {"name": "Mine", "owner": national_adviser.pk, "councils": [leeds.pk]},
    )
    assert response.status_code == 302
    assert ComparisonGroup.objects.get(name="Mine").owner == cib_admin


# --- Invitation tokens are never shown ---------------------------------------------------------


def test_invitation_tokens_are_never_shown(superuser, client_for):
    invitation = Invitation.objects.create(
        email="new@leeds.example",
        organisation=Organisation.objects.get(code=LEEDS),
        role="council_officer",
        invited_by=superuser,
    )
    client = client_for(superuser)
    for url in (_changelist(Invitation), _url(invitation)):
        response = client.get(url)
        assert response.status_code == 200
        assert invitation.token not in response.content.decode()


# --- Every registered admin's forms render -----------------------------------------------------


@pytest.fixture
def one_of_each(superuser, national_adviser, programme_manager):
    """A row of every model the admin registers, visible to the superuser."""
    from datasets.models import Area, ComparisonGroup, ImportRun, ImportSpec, Indicator, Period
    from peerchallenge.models import DeclaredConflict
    from reports.models import ReportJob

    leeds = Council.objects.get(gss_code=LEEDS)
    Invitation.objects.create(
        email="new@leeds.example",
        organisation=Organisation.objects.get(code=LEEDS),
        role="council_officer",
        invited_by=superuser,
    )
    Indicator.objects.create(
        code="admin-test-indicator", name="Admin test", theme="Test", unit="count", source="cin"
    )
    spec, _ = ImportSpec.objects.get_or_create(
        name="admin-test-spec", defaults={"title": "T", "publication": "P", "source": "cin"}
    )
    ImportRun.objects.create(spec=spec, filename="admin-test.csv")
    Area.objects.get_or_create(code="ADMIN-TEST", defaults={"name": "Test", "level": "historic"})
    Period.objects.get_or_create(
        label="2099-00",
        time_identifier="Reporting year",
        defaults={"start_year": 2099, "end_year": 2100},
    )
    group = ComparisonGroup.objects.create(name="Root's group", owner=superuser)
    group.councils.set([leeds])
    challenge = _challenge(superuser)
    pair = sorted([leeds, Council.objects.get(gss_code=BRADFORD)], key=lambda c: c.pk)
    DeclaredConflict.objects.create(
        council_a=pair[0],
        council_b=pair[1],
        reason="Shared director",
        declared_by=superuser,
    )
    _booking(programme_manager)
    ReportJob.objects.create(kind="data_profile", requested_by=superuser, subject_council=leeds)
    from support.models import Cohort, SupportOffer, SupportRequest

    offer = SupportOffer.objects.create(code="admin-test-offer", name="Admin test", kind="bespoke")
    Cohort.objects.create(
        offer=offer, name="First", starts="2030-01-01", ends="2030-01-02", places=5
    )
    SupportRequest.objects.create(
        council=leeds, offer=offer, requested_by=superuser, need="Admin test"
    )
    AuditEvent.objects.create(
        action="programme.create",
        object_type="peerchallenge.programme",
        object_id=str(challenge.programme_id),
        summary="Created",
    )


def test_every_registered_admin_add_and_change_form_renders_for_a_superuser(
    superuser, one_of_each, client_for
):
    client = client_for(superuser)
    request = RequestFactory().get("/admin/")
    request.user = superuser
    read_only = set()
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label_lower
        obj = model_admin.get_queryset(request).first()
        assert obj is not None, f"no {label} row to open"
        response = client.get(_url(obj))
        assert response.status_code == 200, label
        add = client.get(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add"))
        if model_admin.has_add_permission(request):
            assert add.status_code == 200, label
            assert b'name="_save"' in add.content, label
        else:
            assert add.status_code == 403, label
            read_only.add(label)
    assert read_only == READ_ONLY_ADMINS


def test_drafts_are_not_in_the_admin_for_advisers_or_national_staff(
    national_adviser, cib_admin, superuser, client_for
):
    from peerchallenge.models import Challenge, Programme

    challenge = _challenge(national_adviser)
    Programme.objects.filter(pk=challenge.programme_id).update(status="draft")
    for client in (client_for(national_adviser), client_for(cib_admin)):
        assert client.get(_url(challenge.programme)).status_code in (302, 404)
        assert f"/{challenge.programme.pk}/change/" not in (
            client.get(_changelist(Programme)).content.decode()
        )
    adviser = client_for(national_adviser)
    assert adviser.get(_url(challenge)).status_code in (302, 404)
    assert f"/{challenge.pk}/change/" not in adviser.get(_changelist(Challenge)).content.decode()
    # Published, both are there again; a superuser sees the draft too.
    assert client_for(superuser).get(_url(challenge.programme)).status_code == 200
    Programme.objects.filter(pk=challenge.programme_id).update(status="published")
    assert client_for(national_adviser).get(_url(challenge.programme)).status_code == 200
    assert adviser.get(_url(challenge)).status_code == 200


# --- What grants access, changed in the admin, is audited -----------------------------------


def _events(action: str):
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


def test_memberships_added_changed_and_deleted_in_the_admin_are_audited(
    superuser, national_adviser, client_for
):
    client = client_for(superuser)
    assert (
        client.post(
            reverse("admin:regions_membership_add"),
            _membership_data(national_adviser, "cib_admin"),
        ).status_code
        == 302
    )
    membership = Membership.objects.get(user=national_adviser, role="cib_admin")
    [made] = _events("membership.create")
    assert made.actor == superuser and made.object_id == str(membership.pk)
    assert made.after["role"] == "cib_admin" and made.before is None
    assert membership.created_by == superuser

    ends = (timezone.localdate() + timedelta(days=30)).isoformat()
    data = _membership_data(national_adviser, "cib_admin") | {"ends_on": ends}
    assert client.post(_url(membership), data).status_code == 302
    [changed] = _events("membership.change")
    assert (changed.before["ends_on"], changed.after["ends_on"]) == (None, ends)
    # Saved again unchanged: nothing to record.
    assert client.post(_url(membership), data).status_code == 302
    assert len(_events("membership.change")) == 1

    assert client.post(_url(membership, "delete"), {"post": "yes"}).status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    [deleted] = _events("membership.delete")
    assert deleted.object_id == str(membership.pk) and deleted.after is None
    assert deleted.before["role"] == "cib_admin"


def test_a_membership_added_on_the_user_page_and_superuser_status_are_audited(
    superuser, national_adviser, client_for
):
    data = _user_change_data(
        national_adviser,
        is_superuser="on",
        **{
            "memberships-TOTAL_FORMS": "1",
            "memberships-0-organisation": Organisation.objects.get(code="national").pk,
            "memberships-0-role": "cib_admin",
            "memberships-0-starts_on": timezone.localdate().isoformat(),
            "memberships-0-ends_on": "",
            "memberships-0-user": national_adviser.pk,
        },
    )
    response = client_for(superuser).post(_url(national_adviser), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    [made] = _events("membership.create")
    assert made.after["user"] == national_adviser.email and made.after["role"] == "cib_admin"
    [privileges] = _events("user.privileges")
    assert privileges.actor == superuser
    assert privileges.before["is_superuser"] is False and privileges.after["is_superuser"] is True
