"""The admin: opinions shown with masked contact details, the state read-only, nothing deletable."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_admin_lists_and_opens_opinions_with_contact_details_masked(login, admin_user, opinion):
    client = login(admin_user)
    assert client.get("/admin/feedback/opinion/").status_code == 200
    page = client.get(f"/admin/feedback/opinion/{opinion.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "138****5678" in html
    assert "13812345678" not in html
    assert 'name="state"' not in html  # only the workflow writes the state


def test_opinions_cannot_be_deleted_in_the_admin(login, admin_user, opinion):
    response = login(admin_user).get(f"/admin/feedback/opinion/{opinion.pk}/delete/")
    assert response.status_code == 403


def test_administrators_maintain_the_holiday_calendar_and_blocked_words(login, admin_user):
    client = login(admin_user)
    response = client.post(
        "/admin/feedback/holiday/add/", {"date": "2027-01-01", "name": "元旦", "is_workday": ""}
    )
    assert response.status_code == 302
    from feedback.models import Holiday

    assert Holiday.objects.filter(date="2027-01-01").exists()
    assert client.get("/admin/feedback/blockedterm/").status_code == 200
    assert client.get("/admin/feedback/contactview/").status_code == 200
