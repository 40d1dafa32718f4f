"""Saved comparison groups: only their owner sees, changes or deletes them."""

import pytest

from datasets.models import ComparisonGroup
from regions.models import Council
from tests.conftest import BRADFORD, LEEDS, MANCHESTER

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(officer):
    g = ComparisonGroup.objects.create(owner=officer, name="Big cities")
    g.councils.set(Council.objects.filter(gss_code__in=[BRADFORD, MANCHESTER]))
    return g


def test_the_owner_sees_changes_and_deletes_their_group(group, officer, client_for):
    client = client_for(officer)
    assert "Big cities" in client.get("/data/groups/").content.decode()
    assert client.get(f"/data/groups/{group.pk}/").status_code == 200
    confirm = client.get(f"/data/groups/{group.pk}/delete/")
    assert "Are you sure" in confirm.content.decode()
    assert ComparisonGroup.objects.filter(pk=group.pk).exists()  # not until confirmed
    assert client.post(f"/data/groups/{group.pk}/delete/").status_code == 302
    assert not ComparisonGroup.objects.filter(pk=group.pk).exists()


def test_another_member_gets_404_for_someone_elses_group(group, other_officer, client_for):
    client = client_for(other_officer)
    assert "Big cities" not in client.get("/data/groups/").content.decode()
    for path in (f"/data/groups/{group.pk}/", f"/data/groups/{group.pk}/delete/"):
        assert client.get(path).status_code == 404
        assert client.post(path, {"name": "Mine now"}).status_code == 404
    assert ComparisonGroup.objects.get(pk=group.pk).name == "Big cities"
    compare = client.get(f"/data/councils/{LEEDS}/compare/?group=custom-{group.pk}")
    assert compare.status_code == 200 and "Big cities" not in compare.content.decode()


def test_no_role_user_and_anonymous_get_nothing(group, no_role_user, client_for):
    for path in ("/data/groups/", "/data/groups/new/", f"/data/groups/{group.pk}/"):
        assert client_for(no_role_user).get(path).status_code == 404
        assert client_for(None).get(path).status_code == 302


def test_creating_a_group_and_comparing_with_it(data_set, officer, client_for):
    client = client_for(officer)
    ids = list(
        Council.objects.filter(gss_code__in=[BRADFORD, MANCHESTER]).values_list("pk", flat=True)
    )
    response = client.post("/data/groups/new/", {"name": "Northern cities", "councils": ids})
    assert response.status_code == 302
    group = ComparisonGroup.objects.get(owner=officer, name="Northern cities")
    assert set(group.councils.values_list("pk", flat=True)) == set(ids)
    compare = client.get(f"/data/councils/{LEEDS}/compare/?group=custom-{group.pk}")
    assert compare.context["group_label"] == "Northern cities"
    assert all(r["c"].group_size == 2 for r in compare.context["rows"])


def test_group_validation_messages(group, officer, client_for):
    client = client_for(officer)
    one = Council.objects.filter(gss_code=LEEDS).values_list("pk", flat=True)
    page = client.post("/data/groups/new/", {"name": "", "councils": list(one)}).content.decode()
    assert "There is a problem" in page
    assert "Enter a name for the group" in page and "Select at least 2 councils" in page
    duplicate = client.post(
        "/data/groups/new/",
        {"name": "big cities", "councils": [c.pk for c in group.councils.all()]},
    ).content.decode()
    assert "You already have a group with this name" in duplicate
    assert ComparisonGroup.objects.filter(owner=officer).count() == 1


def test_editing_a_group(group, officer, client_for):
    ids = list(
        Council.objects.filter(gss_code__in=[BRADFORD, LEEDS, MANCHESTER]).values_list(
            "pk", flat=True
        )
    )
    response = client_for(officer).post(
        f"/data/groups/{group.pk}/", {"name": "Cities", "councils": ids}
    )
    assert response.status_code == 302
    group.refresh_from_db()
    assert group.name == "Cities" and group.councils.count() == 3
