import pytest

from accounts.models import NotificationPreference


@pytest.mark.django_db
@pytest.mark.parametrize("model", ["user", "notification", "notificationpreference"])
def test_an_administrator_opens_every_accounts_admin_list(login, admin_user, deputy_user, model):
    NotificationPreference.objects.create(user=deputy_user, kind="other", email=False)

    response = login(admin_user).get(f"/admin/accounts/{model}/")

    assert response.status_code == 200


@pytest.mark.django_db
def test_a_deputy_cannot_open_the_accounts_admin(login, deputy_user):
    response = login(deputy_user).get("/admin/accounts/notificationpreference/")

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
