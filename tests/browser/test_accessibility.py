"""axe-core on every page of the portal, each page its own test.

Each case says who looks (nobody, or a person with a role), what to set up, and which page to
open; the test opens it in Chromium, checks the page is styled (colour contrast depends on the
stylesheet) and that it is the page meant (not a redirect to sign-in), then runs axe-core and
fails with every violation: rule, impact, help and the failing elements.

Signed-in cases use the session cookie of a test-client `force_login`, except the allauth pages
that need a recent real sign-in (allauth asks to re-authenticate otherwise), which go through the
sign-in form.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.conftest import LEEDS, YORKSHIRE
from tests.factories import make_member

from .conftest import fill_sign_in_form, sign_in

pytestmark = pytest.mark.browser

_axe = Axe()


# --- what each case needs --------------------------------------------------------------------


def _invitation(request) -> Any:
    from accounts.services import invitation_create
    from regions.models import Organisation

    dcs = request.getfixturevalue("dcs")
    return invitation_create(
        invited_by=dcs,
        organisation=Organisation.objects.get(code=LEEDS),
        role="council_officer",
        email="newcomer@leeds.example",
        base_url=request.getfixturevalue("live_server").url,
    )


def _report_job(request, *, failed: bool = False) -> Any:
    from regions.models import Council
    from reports.models import ReportJob, ReportKind, ReportStatus

    job = ReportJob.objects.create(
        kind=ReportKind.COUNCIL_PROFILE,
        requested_by=request.getfixturevalue("officer"),
        subject_council=Council.objects.get(gss_code=LEEDS),
    )
    if failed:
        job.status, job.attempts = ReportStatus.FAILED, 3
        job.error = "The report could not be made: the PDF renderer stopped."
        job.save()
    return job


def _officer_without_totp(request) -> Any:
    return make_member(LEEDS, "council_officer", email="nototp@leeds.example", mfa=False)


def _lead_with_recovery_codes(request) -> Any:
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    lead = request.getfixturevalue("regional_lead")
    RecoveryCodes.activate(lead)
    return lead


def _fixture(name: str) -> Callable[[Any], Any]:
    return lambda request: request.getfixturevalue(name)


@dataclass
class Case:
    path: str | Callable[[Any, Any], str]  # or path(request, setup_result)
    user: Callable[[Any], Any] | None = None
    setup: Callable[[Any], Any] | None = None
    expect_status: int = 200
    expect_path: str | None = None  # where the page should end up (default: path)
    real_sign_in: bool = False
    # allauth's MFA pages ask for the password again (a "reauthentication") before showing
    reauthenticate: bool = False
    # after loading: act(page) (fill in a form, submit it)
    act: Callable[[Any], None] | None = None
    extra: dict = field(default_factory=dict)


def _submit_empty(page) -> None:
    page.locator("main form[method=post] button[type=submit]").first.click()
    page.wait_for_load_state()


def _wrong_password(page) -> None:
    fill_sign_in_form(page, "officer@leeds.example", "not-the-password-at-all")


def _mfa_stage(page) -> None:
    from tests.factories import PASSWORD

    fill_sign_in_form(page, "national@lga.example", PASSWORD)


def _mfa_stage_wrong_code(page) -> None:
    _mfa_stage(page)
    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()


def _reauthenticate(page, password: str | None = None) -> None:
    from tests.factories import PASSWORD

    page.get_by_label("Password").fill(password or PASSWORD)
    page.locator("main form[method=post] button[type=submit]").first.click()
    page.wait_for_load_state()


def _totp_wrong_code(page) -> None:
    page.get_by_label("Authenticator code").fill("000000")
    page.locator("main form[method=post] button[type=submit]").first.click()
    page.wait_for_load_state()


CASES: dict[str, Case] = {
    # Anyone
    "start": Case("/"),
    "login": Case("/accounts/login/"),
    "login-errors": Case("/accounts/login/", setup=_fixture("officer"), act=_wrong_password),
    "mfa-authenticate": Case(
        "/accounts/login/",
        setup=_fixture("national_adviser"),
        act=_mfa_stage,
        expect_path="/accounts/2fa/authenticate/",
    ),
    "mfa-authenticate-errors": Case(
        "/accounts/login/",
        setup=_fixture("national_adviser"),
        act=_mfa_stage_wrong_code,
        expect_path="/accounts/2fa/authenticate/",
    ),
    "password-reset": Case("/accounts/password/reset/"),
    "password-reset-errors": Case("/accounts/password/reset/", act=_submit_empty),
    "password-reset-done": Case("/accounts/password/reset/done/"),
    "accessibility-statement": Case("/accessibility/"),
    "privacy": Case("/privacy/"),
    "cookies": Case("/cookies/"),
    "not-found": Case("/no-such-page/", expect_status=404),
    "invitation-accept": Case(
        lambda request, inv: f"/people/invitation/{inv.token}/", setup=_invitation
    ),
    "invitation-accept-errors": Case(
        lambda request, inv: f"/people/invitation/{inv.token}/",
        setup=_invitation,
        act=_submit_empty,
    ),
    "invitation-invalid": Case("/people/invitation/not-a-real-token/", expect_status=404),
    # Signed in: home pages by role
    "home-officer": Case("/home/", user=_fixture("officer")),
    "home-dcs": Case("/home/", user=_fixture("dcs")),
    "home-regional-lead": Case("/home/", user=_fixture("regional_lead")),
    "home-adviser": Case("/home/", user=_fixture("adviser")),
    "home-national-adviser": Case("/home/", user=_fixture("national_adviser")),
    "home-no-role": Case("/home/", user=_fixture("no_role_user"), expect_status=403),
    # Councils and regions
    "councils": Case("/councils/", user=_fixture("officer")),
    "councils-filtered": Case(
        f"/councils/?region={YORKSHIRE}&ofsted=good", user=_fixture("officer")
    ),
    "councils-sorted-page-2": Case("/councils/?sort=-ofsted&page=2", user=_fixture("adviser")),
    "councils-empty": Case("/councils/?q=zzzz", user=_fixture("officer")),
    "council-own": Case(f"/councils/{LEEDS}/", user=_fixture("officer")),
    "council-adviser": Case(f"/councils/{LEEDS}/", user=_fixture("adviser")),
    "regions": Case("/regions/", user=_fixture("regional_lead")),
    "region": Case(f"/regions/{YORKSHIRE}/", user=_fixture("regional_lead")),
    # Reports
    "reports-empty": Case("/reports/", user=_fixture("officer")),
    "reports-with-job": Case("/reports/", user=_fixture("officer"), setup=_report_job),
    "report-queued": Case(
        lambda request, job: f"/reports/{job.pk}/", user=_fixture("officer"), setup=_report_job
    ),
    "report-failed": Case(
        lambda request, job: f"/reports/{job.pk}/",
        user=_fixture("officer"),
        setup=lambda request: _report_job(request, failed=True),
    ),
    # People
    "invitations": Case("/people/invitations/", user=_fixture("dcs"), setup=_invitation),
    "invitation-new": Case("/people/invitations/new/", user=_fixture("dcs")),
    "invitation-new-errors": Case(
        "/people/invitations/new/", user=_fixture("dcs"), act=_submit_empty
    ),
    "invitation-withdraw": Case(
        lambda request, inv: f"/people/invitations/{inv.pk}/withdraw/",
        user=_fixture("dcs"),
        setup=_invitation,
    ),
    "api-token": Case("/people/api-token/", user=_fixture("officer")),
    "api-docs": Case("/api/v1/docs/", user=_fixture("officer")),
    # allauth: account and two-factor pages
    "account-email": Case("/accounts/email/", user=_fixture("officer"), real_sign_in=True),
    "password-change": Case(
        "/accounts/password/change/", user=_fixture("officer"), real_sign_in=True
    ),
    "password-change-errors": Case(
        "/accounts/password/change/", user=_fixture("officer"), real_sign_in=True, act=_submit_empty
    ),
    "reauthenticate": Case("/accounts/reauthenticate/", user=_fixture("officer")),
    "mfa-index": Case("/accounts/2fa/", user=_fixture("regional_lead"), real_sign_in=True),
    "mfa-index-no-totp": Case("/accounts/2fa/", user=_officer_without_totp, real_sign_in=True),
    "totp-activate": Case(
        "/accounts/2fa/totp/activate/", user=_officer_without_totp, reauthenticate=True
    ),
    "totp-activate-errors": Case(
        "/accounts/2fa/totp/activate/",
        user=_officer_without_totp,
        reauthenticate=True,
        act=_totp_wrong_code,
    ),
    "recovery-codes": Case(
        "/accounts/2fa/recovery-codes/", user=_lead_with_recovery_codes, reauthenticate=True
    ),
    "recovery-codes-generate": Case(
        "/accounts/2fa/recovery-codes/generate/",
        user=_lead_with_recovery_codes,
        reauthenticate=True,
    ),
    "reauthenticate-errors": Case(
        "/accounts/reauthenticate/",
        user=_fixture("officer"),
        act=lambda page: _reauthenticate(page, "wrong-password"),
    ),
    "logout": Case("/accounts/logout/", user=_fixture("officer")),
}


# --- the check -------------------------------------------------------------------------------


def format_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['id']}] ({v.get('impact')}) {v['help']} - {v.get('helpUrl', '')}")
        for node in v["nodes"]:
            lines.append(f"    target: {node['target']}")
            lines.append(f"    html:   {node['html'][:300]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            if summary:
                lines.append(f"    why:    {summary[:300]}")
    return "\n".join(lines)


def assert_styled(page) -> None:
    """The portal's stylesheet is served and applied (axe's colour-contrast depends on it)."""
    colour = page.evaluate(
        "() => getComputedStyle(document.querySelector('.govuk-footer')).backgroundColor"
    )
    assert colour not in ("rgba(0, 0, 0, 0)", "transparent"), (
        f"{page.url}: the stylesheet did not apply (footer background {colour})"
    )


def assert_accessible(page) -> None:
    results = _axe.run(page)
    violations = results.response["violations"]
    assert not violations, (
        f"{len(violations)} axe violation(s) on {page.url}:\n{format_violations(violations)}"
    )


@pytest.mark.parametrize("name", list(CASES))
def test_page_has_no_axe_violations(name, request, new_context, signed_in_page, live_server):
    case = CASES[name]
    made = case.setup(request) if case.setup else None
    user = case.user(request) if case.user else None
    path = case.path(request, made) if callable(case.path) else case.path

    if user is None:
        page = new_context().new_page()
    elif case.real_sign_in:
        page = new_context().new_page()
        sign_in(page, user)
    else:
        page = signed_in_page(user)

    response = page.goto(path)
    assert response is not None and response.status == case.expect_status, (
        f"{path}: HTTP {response and response.status}, expected {case.expect_status}"
    )
    if case.reauthenticate and "/accounts/reauthenticate/" in page.url:
        _reauthenticate(page)
    if case.act:
        case.act(page)
    expected_path = case.expect_path or path.split("?")[0]
    assert page.url.removeprefix(live_server.url).split("?")[0] == expected_path, (
        f"expected to be on {expected_path}, ended on {page.url}"
    )
    assert_styled(page)
    assert_accessible(page)
