"""Running a programme through the services: create, make the pairings (real optimiser,
real reference data), edit, lock, publish, and the demo programme."""

from __future__ import annotations

import contextlib
import threading

import pytest
from django.core import mail
from django.db import connection
from django.db.models import Count
from django.test import TestCase

from peerchallenge import services
from peerchallenge.models import Challenge, Challenger, Programme
from peerchallenge.services import ProgrammeError
from regions.models import Council, Region
from tests.conftest import BRADFORD, LEEDS, MANCHESTER, YORKSHIRE
from tests.factories import make_member

pytestmark = pytest.mark.django_db

WAKEFIELD = "E08000036"


def _council(code: str) -> Council:
    return Council.objects.get(gss_code=code)


def _draft(lead, *, year=2027, model="pairs", **options) -> Programme:
    return services.programme_create(
        user=lead,
        region=Region.objects.get(gss_code=YORKSHIRE),
        year=year,
        model=model,
        **options,
    )


def _pairs(programme: Programme) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for host, challenger in Challenger.objects.filter(challenge__programme=programme).values_list(
        "host__gss_code", "council__gss_code"
    ):
        out.setdefault(host, []).append(challenger)
    return out


def test_a_programme_takes_every_council_of_the_region(regional_lead):
    programme = _draft(regional_lead)
    region_codes = set(
        Council.objects.filter(region__gss_code=YORKSHIRE).values_list("gss_code", flat=True)
    )
    assert set(programme.participants.values_list("council__gss_code", flat=True)) == region_codes
    assert len(region_codes) == 15
    with pytest.raises(ProgrammeError, match="already has a programme for 2027"):
        _draft(regional_lead)


@pytest.mark.parametrize(
    ("model", "size", "challengers_each"),
    [("pairs", None, 1), ("triads", None, 1), ("clusters", 4, 1), ("panel", 3, 3)],
)
def test_making_the_pairings_gives_every_council_challengers(
    regional_lead, model, size, challengers_each
):
    programme = _draft(regional_lead, model=model, cluster_size=size)
    services.programme_generate(user=regional_lead, programme=programme)
    pairs = _pairs(programme)
    codes = set(programme.participants.values_list("council__gss_code", flat=True))
    assert set(pairs) == codes  # everyone is challenged
    given = [c for challengers in pairs.values() for c in challengers]
    assert set(given) == codes  # everyone challenges
    for host, challengers in pairs.items():
        assert host not in challengers
        assert len(challengers) == challengers_each
    if model == "pairs":  # 15 councils: one triad, six pairs
        sizes = sorted(
            Challenge.objects.filter(programme=programme)
            .order_by()
            .values("group")
            .annotate(n=Count("id"))
            .values_list("n", flat=True)
        )
        assert sizes == [2] * 6 + [3]
    challenge = Challenge.objects.filter(programme=programme).first()
    assert challenge.explanation["words"]
    assert set(challenge.explanation["terms"]) <= {"context", "travel"}
    assert challenge.score == pytest.approx(sum(challenge.explanation["terms"].values()), abs=1e-3)


def test_the_same_input_gives_the_same_pairings(regional_lead):
    programme = _draft(regional_lead)
    services.programme_generate(user=regional_lead, programme=programme)
    first = _pairs(programme)
    services.programme_generate(user=regional_lead, programme=programme)
    assert _pairs(programme) == first


def test_conflicts_exclusions_and_last_years_partners_are_never_paired(regional_lead):
    last_year = _draft(regional_lead, year=2026)
    services.programme_generate(user=regional_lead, programme=last_year)
    services.programme_publish(user=regional_lead, programme=last_year)
    last_pairs = _pairs(last_year)

    programme = _draft(regional_lead, year=2027)
    leeds, bradford, wakefield = _council(LEEDS), _council(BRADFORD), _council(WAKEFIELD)
    services.conflict_declare(
        user=regional_lead, council=leeds, other=bradford, reason="Shared interim DCS"
    )
    services.exclusion_add(
        user=regional_lead, programme=programme, council=wakefield, other=leeds, reason="Merger"
    )
    services.programme_generate(user=regional_lead, programme=programme)
    pairs = _pairs(programme)
    together = {frozenset((host, c)) for host, challengers in pairs.items() for c in challengers}
    assert frozenset((LEEDS, BRADFORD)) not in together
    assert frozenset((LEEDS, WAKEFIELD)) not in together
    for host, challengers in last_pairs.items():
        for c in challengers:
            assert frozenset((host, c)) not in together


def test_locked_pairings_are_kept_when_the_pairings_are_made_again(regional_lead):
    programme = _draft(regional_lead)
    services.programme_generate(user=regional_lead, programme=programme)
    leeds_challenge = Challenge.objects.get(programme=programme, host__gss_code=LEEDS)
    # Put Leeds with a council the optimiser did not choose, by hand: that locks it.
    current = set(_pairs(programme)[LEEDS])
    other = next(
        c
        for c in Council.objects.filter(region__gss_code=YORKSHIRE).exclude(gss_code=LEEDS)
        if c.gss_code not in current
    )
    # The draft's challenges are made again around the hand-made pair: the service returns
    # Leeds' new one.
    leeds_challenge = services.challenge_set_challengers(
        user=regional_lead, challenge=leeds_challenge, councils=[other]
    )
    assert leeds_challenge.locked
    assert _pairs(programme)[other.gss_code] == [LEEDS]
    assert "Chosen by hand" in leeds_challenge.explanation["words"][0]

    services.programme_generate(user=regional_lead, programme=programme)
    assert _pairs(programme)[LEEDS] == [other.gss_code]
    assert Challenge.objects.get(programme=programme, host__gss_code=LEEDS).locked


def test_hand_edits_keep_the_hard_rules(regional_lead):
    programme = _draft(regional_lead)
    services.programme_generate(user=regional_lead, programme=programme)
    leeds_challenge = Challenge.objects.get(programme=programme, host__gss_code=LEEDS)
    with pytest.raises(ProgrammeError, match="cannot challenge itself"):
        services.challenge_set_challengers(
            user=regional_lead, challenge=leeds_challenge, councils=[_council(LEEDS)]
        )
    with pytest.raises(ProgrammeError, match="does not take part"):
        services.challenge_set_challengers(
            user=regional_lead, challenge=leeds_challenge, councils=[_council(MANCHESTER)]
        )
    services.conflict_declare(
        user=regional_lead, council=_council(BRADFORD), other=_council(LEEDS), reason="Family"
    )
    with pytest.raises(ProgrammeError, match="declared conflict of interest: Family"):
        services.challenge_set_challengers(
            user=regional_lead, challenge=leeds_challenge, councils=[_council(BRADFORD)]
        )
    with pytest.raises(ProgrammeError, match="already declared"):
        services.conflict_declare(
            user=regional_lead, council=_council(LEEDS), other=_council(BRADFORD), reason="Again"
        )


def test_a_council_from_another_region_joins_by_agreement(regional_lead):
    programme = _draft(regional_lead)
    with pytest.raises(ProgrammeError, match="Say what was agreed"):
        services.participant_add(
            user=regional_lead, programme=programme, council=_council(MANCHESTER), agreement=" "
        )
    services.participant_add(
        user=regional_lead,
        programme=programme,
        council=_council(MANCHESTER),
        agreement="Agreed by both regional leads, March 2027",
    )
    services.programme_generate(user=regional_lead, programme=programme)
    assert MANCHESTER in _pairs(programme)
    with pytest.raises(ProgrammeError, match="Every council of"):
        services.participant_remove(
            user=regional_lead, programme=programme, council=_council(LEEDS)
        )
    services.participant_remove(
        user=regional_lead, programme=programme, council=_council(MANCHESTER)
    )
    assert MANCHESTER not in _pairs(programme)


def test_no_possible_pairing_says_which_council(regional_lead):
    programme = _draft(regional_lead)
    leeds = _council(LEEDS)
    for other in Council.objects.filter(region__gss_code=YORKSHIRE).exclude(pk=leeds.pk):
        services.exclusion_add(
            user=regional_lead, programme=programme, council=leeds, other=other, reason="Test"
        )
    with pytest.raises(ProgrammeError, match="Leeds"):
        services.programme_generate(user=regional_lead, programme=programme)
    assert not programme.challenges.exists()


def test_publishing_tells_the_councils_and_freezes_the_pairings(regional_lead):
    leeds_dcs = make_member(LEEDS, "dcs", email="dcs@leeds.example")
    make_member(LEEDS, "lead_member", email="member@leeds.example")
    make_member(LEEDS, "council_officer", email="officer@leeds.example")
    programme = _draft(regional_lead)
    with pytest.raises(ProgrammeError, match="Make the pairings first"):
        services.programme_publish(user=regional_lead, programme=programme)
    services.programme_generate(user=regional_lead, programme=programme)
    # The assigned challenger of Leeds' partner is Leeds' DCS.
    assert Challenger.objects.filter(
        challenge__programme=programme, council__gss_code=LEEDS, person=leeds_dcs
    ).exists()
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.programme_publish(user=regional_lead, programme=programme)
    programme.refresh_from_db()
    assert programme.is_published
    leeds_mail = [m for m in mail.outbox if "member@leeds.example" in m.to]
    assert len(leeds_mail) == 1
    assert "dcs@leeds.example" in leeds_mail[0].to
    assert "officer@leeds.example" not in leeds_mail[0].to  # senior leaders only
    partner = _pairs(programme)[LEEDS][0]
    assert _council(partner).name in leeds_mail[0].body
    with pytest.raises(ProgrammeError, match="published"):
        services.programme_generate(user=regional_lead, programme=programme)


@pytest.mark.django_db(transaction=True)
def test_two_people_making_the_pairings_at_once_get_one_consistent_result(reference_data):
    lead = make_member(YORKSHIRE, "regional_lead_dcs", email="lead2@yorkshire.example")
    other = make_member(YORKSHIRE, "regional_programme_manager", email="pm2@yorkshire.example")
    programme = _draft(lead)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def run(user):
        try:
            barrier.wait()
            services.programme_generate(user=user, programme=programme)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(u,)) for u in (lead, other)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    hosts = list(Challenge.objects.filter(programme=programme).values_list("host_id", flat=True))
    assert len(hosts) == len(set(hosts)) == programme.participants.count()


def test_the_demo_data_loads_once(reference_data, settings, django_capture_on_commit_callbacks):
    import importlib.util
    import io
    from pathlib import Path

    from django.core.management import call_command

    # As under `make run`: console emails and the command's output share stdout.
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    out = io.StringIO()
    with contextlib.redirect_stdout(out), django_capture_on_commit_callbacks(execute=True):
        call_command("load_demo_data", verbosity=0, stdout=out)
    assert "Subject:" in out.getvalue()  # the programme's publication emails were printed
    spec = importlib.util.spec_from_file_location(
        "run_script", Path(__file__).resolve().parents[2] / "scripts" / "run.py"
    )
    run_script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(run_script)
    banner = run_script.account_lines(out.getvalue().splitlines())
    assert banner[0].startswith("Sign in at")
    assert not any(
        line.startswith(("Subject:", "From:", "To:", "Content-", "MIME-")) for line in banner
    )
    assert sum("@" in line for line in banner[1:-1]) == len(banner) - 2  # one per account
    programme = Programme.objects.get(region__gss_code=YORKSHIRE)
    assert programme.is_published
    assert programme.challenges.count() == 15
    call_command("load_demo_data", verbosity=0)
    assert Programme.objects.filter(region__gss_code=YORKSHIRE).count() == 1
    from funds.models import FundingAgreement, SpendRequest

    agreement = FundingAgreement.objects.get(region__gss_code=YORKSHIRE)
    assert SpendRequest.objects.filter(agreement=agreement).count() == 4
    assert agreement.allocations.get(purpose="project_management").approved_pence == 1_250_000


def test_a_mix_pairs_stronger_with_struggling_councils_and_says_so(regional_lead, data_set):
    """The "mix" preference scores the difference in standing (Ofsted and the key
    indicators); "similar" does not read the standing at all."""
    from peerchallenge.scoring import council_facts

    programme = _draft(regional_lead, preference="mix", weight_travel=0)
    services.programme_generate(user=regional_lead, programme=programme)
    challenge = Challenge.objects.filter(programme=programme).first()
    assert any(w.startswith("A mix of strengths") for w in challenge.explanation["words"])
    assert challenge.explanation["terms"]["context"] > 0

    councils = list(Council.objects.filter(region__gss_code=YORKSHIRE))
    with_standing = council_facts(councils)
    assert all(f.indicator_standing is not None for f in with_standing.values())
    without = council_facts(councils, with_standing=False)
    assert all(f.indicator_standing is None for f in without.values())
