"""/favicon.ico, which browsers and tools ask for whatever the page links, is the portal's icon."""

import pytest


@pytest.mark.django_db
def test_favicon_ico_leads_to_the_portal_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/images/favicon.svg"
    assert client.get(response["Location"]).status_code == 200
