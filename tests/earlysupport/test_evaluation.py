"""Turning findings into flags: raised once, updated in place (triage history kept), proposed
for closing when the evidence goes (never deleted), a new flag after one was closed; people's
flags untouched; the command and the nightly task."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import TestCase

from tests.conftest import BRADFORD, LEEDS

from .test_rules import council, rule

DAY = dt.date(2090, 3, 1)


@pytest.fixture
def intervention_rule(reference_data):
    """Only one active rule, watching interventions; Leeds under an improvement notice."""
    from earlysupport.models import Intervention, Rule

    Rule.objects.update(is_active=False)
    r = rule("es-int", "intervention", params={"kinds": ["improvement_notice"]}, severity="red")
    Intervention.objects.create(
        council=council(LEEDS), kind="improvement_notice", starts_on=dt.date(2090, 1, 1)
    )
    return r


def evaluate(as_of=DAY):
    from earlysupport.services.evaluation import evaluate_risk_flags

    return evaluate_risk_flags(as_of=as_of)


def leeds_flags(r):
    from earlysupport.models import Flag

    return list(Flag.objects.filter(council=council(LEEDS), rule=r).order_by("pk"))


def kinds(flag) -> list[str]:
    return list(flag.events.order_by("at", "id").values_list("kind", flat=True))


def test_findings_write_nothing(intervention_rule, django_assert_max_num_queries):
    from earlysupport.models import Flag
    from earlysupport.services.evaluation import findings

    (f,) = findings(as_of=DAY)
    assert f.council_id == council(LEEDS).pk and f.rule == intervention_rule
    assert not Flag.objects.exists()


def test_raise_then_re_evaluate_keeps_the_flag_and_its_triage(intervention_rule, adviser):
    from earlysupport.models import FlagEvent

    result = evaluate()
    assert (result.raised, result.updated, result.unchanged, result.gone) == (1, 0, 0, 0)
    (flag,) = leeds_flags(intervention_rule)
    assert flag.status == "open" and flag.severity == "red" and flag.as_of == DAY
    assert "improvement notice since 1 January 2090" in flag.summary
    assert kinds(flag) == ["raised"]
    # Someone triages it.
    flag.status = "acknowledged"
    flag.save()
    FlagEvent.objects.create(
        flag=flag, actor=adviser, kind="status", from_status="open", to_status="acknowledged"
    )
    result = evaluate(DAY + dt.timedelta(days=1))
    assert (result.raised, result.updated, result.unchanged) == (0, 0, 1)
    (again,) = leeds_flags(intervention_rule)
    assert again.pk == flag.pk and again.status == "acknowledged"
    assert again.as_of == DAY + dt.timedelta(days=1) and again.last_evaluated_at is not None
    assert kinds(again) == ["raised", "status"]  # no event when the evidence is the same


def test_changed_evidence_is_updated_with_an_event(intervention_rule):
    from earlysupport.models import Intervention

    evaluate()
    Intervention.objects.update(ends_on=dt.date(2090, 12, 31))
    result = evaluate()
    assert result.updated == 1
    (flag,) = leeds_flags(intervention_rule)
    assert "due to end 31 December 2090" in flag.summary
    assert kinds(flag) == ["raised", "evidence_updated"]


def test_evidence_gone_is_proposed_for_closing_not_deleted(intervention_rule):
    evaluate()
    result = evaluate(dt.date(2089, 12, 31))  # before the notice: no finding
    assert result.gone == 1
    (flag,) = leeds_flags(intervention_rule)
    assert flag.status == "open" and flag.evidence_gone_at is not None
    assert flag.is_proposed_for_closing
    gone_at = flag.evidence_gone_at
    assert evaluate(dt.date(2089, 12, 30)).gone == 0  # proposed once
    (flag,) = leeds_flags(intervention_rule)
    assert flag.evidence_gone_at == gone_at
    assert kinds(flag) == ["raised", "evidence_gone"]
    # The evidence comes back: the same flag, no longer proposed for closing.
    evaluate()
    (flag,) = leeds_flags(intervention_rule)
    assert flag.evidence_gone_at is None
    assert kinds(flag) == ["raised", "evidence_gone", "evidence_back"]


def test_a_closed_flag_is_left_alone_and_a_new_finding_makes_a_new_flag(intervention_rule):
    from django.utils import timezone

    evaluate()
    (flag,) = leeds_flags(intervention_rule)
    flag.status = "closed"
    flag.closed_at = timezone.now()
    flag.save()
    assert evaluate().raised == 1
    old, new = leeds_flags(intervention_rule)
    assert old.pk == flag.pk and old.status == "closed" and kinds(old) == ["raised"]
    assert new.status == "open" and kinds(new) == ["raised"]
    # A closed flag is not proposed for closing either.
    new.status = "closed"
    new.save()
    assert evaluate(dt.date(2089, 1, 1)).gone == 0


def test_flags_raised_by_people_are_untouched(intervention_rule, adviser):
    from django.utils import timezone

    from earlysupport.models import Flag

    mine = Flag.objects.create(
        council=council(BRADFORD),
        severity="amber",
        summary="Worried about turnover.",
        rationale="Heard from the region.",
        raised_by=adviser,
        raised_at=timezone.now(),
    )
    evaluate()
    mine.refresh_from_db()
    assert mine.evidence_gone_at is None and mine.last_evaluated_at is None
    assert not mine.events.exists()


def test_the_command_prints_counts(intervention_rule):
    out = StringIO()
    call_command("evaluate_risk_flags", "--as-of", "2090-03-01", stdout=out)
    assert "raised: 1" in out.getvalue() and "proposed for closing: 0" in out.getvalue()
    assert len(leeds_flags(intervention_rule)) == 1


def test_the_command_refuses_a_bad_date(intervention_rule):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("evaluate_risk_flags", "--as-of", "1 March")


def test_the_nightly_task_evaluates_as_of_today(intervention_rule):
    from earlysupport.tasks import evaluate_risk_flags_nightly

    # Today (before 2090) the notice has not started: nothing is raised.
    assert evaluate_risk_flags_nightly.apply().get() == {
        "raised": 0,
        "updated": 0,
        "unchanged": 0,
        "gone": 0,
    }
    from earlysupport.models import Intervention

    Intervention.objects.update(starts_on=dt.date(2020, 1, 1))
    assert evaluate_risk_flags_nightly.apply().get()["raised"] == 1


def test_a_data_import_queues_an_evaluation_once_it_commits(db, settings):
    from datasets.services import risk_flags_evaluate_later

    settings.RISK_FLAGS_EVALUATE_AFTER_IMPORT = True
    with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
        risk_flags_evaluate_later()
    assert len(callbacks) == 1
    settings.RISK_FLAGS_EVALUATE_AFTER_IMPORT = False
    with TestCase.captureOnCommitCallbacks(execute=False) as callbacks:
        risk_flags_evaluate_later()
    assert callbacks == []
