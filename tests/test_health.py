from unittest import mock

import pytest
from django.db.utils import OperationalError


@pytest.mark.django_db
def test_healthz_reports_database_and_broker(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["database"]["ok"] is True
    assert "broker" in body and "ok" in body["broker"]


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_is_unreachable(client):
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=OperationalError("down")):
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["database"]["ok"] is False


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "target"), [("/opinions/", "/opinions/new/"), ("/reports/", "/reports/public/")]
)
def test_section_roots_lead_to_their_public_page(client, path, target):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == target
