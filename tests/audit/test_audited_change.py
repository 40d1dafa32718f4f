"""The one audited-change helper: before and after of the named fields, one event, nothing
recorded when the change fails."""

import pytest

from audit.models import AuditEvent
from audit.services import ACTION_NAME, audited_change, fields_of
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_records_the_fields_before_and_after():
    actor = UserFactory()
    person = UserFactory(full_name="Ann Before")
    with audited_change(actor=actor, action="user.rename", obj=person, fields=("full_name",)):
        person.full_name = "Ann After"
        person.save()

    event = AuditEvent.objects.get(action="user.rename")
    assert event.actor == actor
    assert event.object_id == str(person.pk)
    assert event.before == {"full_name": "Ann Before"}
    assert event.after == {"full_name": "Ann After"}
    assert event.summary == f"Changed {person}"


def test_nothing_is_recorded_when_the_change_fails():
    person = UserFactory(full_name="Ann")
    with (
        pytest.raises(ValueError),
        audited_change(actor=None, action="user.rename", obj=person, fields=("full_name",)),
    ):
        raise ValueError("refused")
    assert not AuditEvent.objects.filter(action="user.rename").exists()


def test_fields_are_json_safe():
    person = UserFactory()
    values = fields_of(person, ("date_joined", "is_active"))
    assert values["date_joined"] == str(person.date_joined)
    assert values["is_active"] is True


@pytest.mark.parametrize(
    "name", ["spend.approve", "challenge.action_status", "booking.override_free"]
)
def test_the_one_style_of_action_name(name):
    assert ACTION_NAME.match(name)


@pytest.mark.parametrize(
    "name", ["challenge.action.status", "Spend.approve", "spend", "spend.approve-now", ".x"]
)
def test_other_styles_are_refused(name):
    assert not ACTION_NAME.match(name)
