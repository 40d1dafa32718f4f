"""axe-core on the peer challenge programme pages (the list, creating a programme, a draft
programme with its pairings, the change pages, publishing, conflicts), in real Chromium."""

from __future__ import annotations

import pytest

from .test_accessibility import assert_accessible, assert_styled

pytestmark = pytest.mark.browser

LEEDS = "E08000035"
BRADFORD = "E08000032"
WAKEFIELD = "E08000036"
MANCHESTER = "E08000003"
YORKSHIRE = "E12000003"


def _check(page, path: str, *, act=None) -> None:
    response = page.goto(path)
    assert response is not None and response.status == 200, f"{path}: HTTP {response.status}"
    if act:
        act(page)
    assert_styled(page)
    assert_accessible(page)


def _submit(page) -> None:
    page.locator("main form[method=post] button[type=submit]").first.click()
    page.wait_for_load_state()


def _open_details(page) -> None:
    for summary in page.locator("main details summary").all():
        summary.click()


def _council(code):
    from regions.models import Council

    return Council.objects.get(gss_code=code)


def _draft_with_pairings(lead):
    """Yorkshire's 2027 draft with its pairings made by the optimiser, a council joined by
    agreement, a conflict and two councils kept apart."""
    from peerchallenge import services
    from regions.models import Region

    programme = services.programme_create(
        user=lead,
        region=Region.objects.get(gss_code=YORKSHIRE),
        year=2027,
        model="pairs",
        focus="Help and protection",
    )
    services.participant_add(
        user=lead, programme=programme, council=_council(MANCHESTER), agreement="Agreed"
    )
    services.conflict_declare(
        user=lead, council=_council(LEEDS), other=_council(BRADFORD), reason="Shared DCS"
    )
    services.exclusion_add(
        user=lead,
        programme=programme,
        council=_council(LEEDS),
        other=_council(WAKEFIELD),
        reason="Merging services",
    )
    services.programme_generate(user=lead, programme=programme)
    return programme


def test_programme_list_and_create_pages_have_no_axe_violations(
    reference_data, signed_in_page, request
):
    lead = request.getfixturevalue("regional_lead")
    page = signed_in_page(lead)
    _check(page, "/peer-challenge/")  # no programmes yet
    _check(page, "/peer-challenge/new/")

    def _submit_without_year(page) -> None:
        page.get_by_label("Year the programme starts").fill("")
        _submit(page)
        assert "Enter the year the programme starts" in page.content()

    _check(page, "/peer-challenge/new/", act=_submit_without_year)  # the error summary
    page.goto("/peer-challenge/new/")
    page.get_by_label("Clusters").check()
    page.get_by_label("Councils in each cluster").fill("12")
    page.fill("#id_ends_on_0", "1")
    page.fill("#id_ends_on_1", "1")
    page.fill("#id_ends_on_2", "2020")
    _submit(page)
    assert "There is a problem" in page.content()
    assert "must be 4 to 8" in page.content()
    assert_accessible(page)
    page.get_by_label("Pairs").check()
    page.fill("#id_ends_on_0", "")
    page.fill("#id_ends_on_1", "")
    page.fill("#id_ends_on_2", "")
    _submit(page)
    assert "Yorkshire and The Humber" in page.content() and "Draft" in page.content()
    _check(page, "/peer-challenge/")  # with a programme
    _check(page, "/peer-challenge/?status=published")  # filtered to nothing


def test_programme_page_and_change_pages_have_no_axe_violations(
    reference_data, signed_in_page, request
):
    lead = request.getfixturevalue("regional_lead")
    programme = _draft_with_pairings(lead)
    leeds_challenge = programme.challenges.get(host__gss_code=LEEDS)
    exclusion = programme.exclusions.get()
    page = signed_in_page(lead)
    base = f"/peer-challenge/{programme.pk}"
    _check(page, f"{base}/", act=_open_details)
    assert "Make the pairings again" in page.content()
    for path in [
        f"{base}/councils/add/",
        f"{base}/councils/{_council(MANCHESTER).pk}/remove/",
        f"{base}/apart/add/",
        f"{base}/apart/{exclusion.pk}/delete/",
        f"{base}/pairings/{leeds_challenge.pk}/",
        f"{base}/publish/",
    ]:
        _check(page, path)
    _check(page, f"{base}/councils/add/", act=_submit)
    _check(page, f"{base}/apart/add/", act=_submit)
    # A forbidden pair chosen by hand: the error names the conflict.
    page.goto(f"{base}/pairings/{leeds_challenge.pk}/")
    for box in page.locator("main input[type=checkbox]:checked").all():
        box.uncheck()
    page.get_by_label("Bradford").check()
    _submit(page)
    assert "declared conflict of interest" in page.content()
    assert_accessible(page)
    # Locking from the programme page, and the error summary there after publishing.
    page.goto(f"{base}/")
    page.locator("main form button", has_text="Lock").first.click()
    page.wait_for_load_state()
    assert_accessible(page)
    page.goto(f"{base}/publish/")
    _submit(page)
    assert "Published" in page.content()
    _check(page, f"{base}/", act=_open_details)


def test_programme_page_error_summary_has_no_axe_violations(
    reference_data, signed_in_page, request
):
    from peerchallenge import services
    from regions.models import Region

    lead = request.getfixturevalue("regional_lead")
    programme = services.programme_create(
        user=lead, region=Region.objects.get(gss_code=YORKSHIRE), year=2027, model="pairs"
    )
    page = signed_in_page(lead)
    page.goto(f"/peer-challenge/{programme.pk}/publish/")
    _submit(page)
    assert "Make the pairings first" in page.content()
    assert_accessible(page)


def test_conflict_pages_have_no_axe_violations(reference_data, signed_in_page, request):
    from peerchallenge import services

    lead = request.getfixturevalue("regional_lead")
    page = signed_in_page(lead)
    _check(page, "/peer-challenge/conflicts/")  # none yet
    services.conflict_declare(
        user=lead, council=_council(LEEDS), other=_council(BRADFORD), reason="Shared DCS"
    )
    _check(page, "/peer-challenge/conflicts/")
    _check(page, "/peer-challenge/conflicts/new/")
    _check(page, "/peer-challenge/conflicts/new/", act=_submit)
