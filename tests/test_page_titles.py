"""Every page's <title> starts with its <h1> (GOV.UK: the title is the heading, then where it
sits), checked over representative pages of the demo people, as they meet them with the demo
data loaded. A more specific title is fine ("Overview – Challenge of Leeds" for the heading
"Overview"); a title that names the page differently from its heading is not.
"""

from __future__ import annotations

import contextlib
import html
import io
import re

import pytest

pytestmark = pytest.mark.django_db

LEEDS = "E08000035"
_TITLE = re.compile(r"<title>(.*?)</title>", re.S)
_H1 = re.compile(r"<h1\b[^>]*>(.*?)</h1>", re.S)
_TAG = re.compile(r"<[^>]+>")


def _text(fragment: str) -> str:
    """What a person reads: tags dropped, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(_TAG.sub(" ", fragment)).split())


def title_and_h1(page: str) -> tuple[str, str]:
    """The page's title without the service name or an "Error: " prefix, and its h1."""
    title = _text(_TITLE.search(page).group(1))
    title = title.removesuffix(" – CIB portal").removeprefix("Error: ")
    heading = _H1.search(page)
    assert heading, "the page has no h1"
    return title, _text(heading.group(1))


def test_title_and_h1_are_read_as_a_person_reads_them():
    page = (
        "<title>\n  Error: Leeds: risk &amp; flags – CIB portal</title>"
        '<h1 class="govuk-heading-l">Leeds: <span>risk</span> &amp; flags</h1>'
    )
    assert title_and_h1(page) == ("Leeds: risk & flags", "Leeds: risk & flags")


def _demo_pages() -> dict[str, list[str]]:
    """Per demo person, the pages they use most, with the demo data's own ids."""
    from earlysupport.models import Flag
    from funds.models import FundingAgreement, QuarterlyReturn, SpendRequest
    from peerchallenge.models import Challenge, Programme
    from regions.demo import DEMO_REGION
    from reviews.models import Booking

    in_region = {"council__region__gss_code": DEMO_REGION}
    flag = Flag.objects.filter(**in_region).order_by("pk").first()
    agreement = FundingAgreement.objects.filter(region__gss_code=DEMO_REGION).first()
    spend = SpendRequest.objects.filter(allocation__agreement=agreement).order_by("pk").first()
    ret = QuarterlyReturn.objects.filter(agreement=agreement).order_by("pk").first()
    programme = Programme.objects.filter(region__gss_code=DEMO_REGION).first()
    challenge = (
        Challenge.objects.filter(challengers__person__email__startswith="challenger@")
        .order_by("pk")
        .first()
    )
    booking = Booking.objects.order_by("pk").first()
    assert all((flag, agreement, spend, ret, programme, challenge, booking)), "no demo data"
    data = [
        f"/data/councils/{LEEDS}/",
        f"/data/councils/{LEEDS}/compare/",
        "/data/indicators/",
        "/data/indicators/sw_turnover_pct/",
    ]
    return {
        "officer": ["/home/", "/accounts/password/change/", *data, "/reports/"],
        "dcs": ["/home/", "/early-support/"],
        "challenger": [
            "/home/",
            f"/challenges/{challenge.pk}/",
            f"/challenges/{challenge.pk}/dates/",
        ],
        "regional-lead": [
            "/home/",
            "/early-support/",
            f"/early-support/flags/{flag.pk}/",
            "/funds/",
            f"/funds/agreements/{agreement.pk}/",
            f"/funds/requests/{spend.pk}/",
            f"/funds/returns/{ret.pk}/",
            f"/peer-challenge/{programme.pk}/",
            "/peer-challenge/ledger/",
        ],
        "adviser": [
            "/home/",
            "/early-support/",
            f"/early-support/flags/{flag.pk}/",
            *data,
        ],
        "national-adviser": ["/home/", "/funds/", "/early-support/"],
        "programme-manager": ["/home/", f"/reviewers/bookings/{booking.pk}/team/"],
        "cib-admin": ["/home/", "/api/v1/docs/"],
    }


def test_every_demo_page_title_starts_with_its_heading(reference_data, data_set, settings, client):
    from django.core.management import call_command

    from accounts.models import User
    from earlysupport.defaults import rules_sync
    from regions.demo import DEMO_DOMAIN

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    rules_sync()
    with contextlib.redirect_stdout(io.StringIO()):
        call_command("load_demo_data", verbosity=0, stdout=io.StringIO())
    mismatches = []
    for local_part, paths in _demo_pages().items():
        client.force_login(User.objects.get(email=f"{local_part}@{DEMO_DOMAIN}"))
        for path in paths:
            response = client.get(path)
            if response.status_code != 200:
                mismatches.append(f"{local_part} {path}: answered {response.status_code}")
                continue
            title, heading = title_and_h1(response.content.decode())
            if not title.startswith(heading):
                mismatches.append(f"{local_part} {path}: title {title!r}, h1 {heading!r}")
        client.logout()
    assert not mismatches, "\n".join(mismatches)
