"""The error pages (handler400/403/404) are the portal's own, in the reader's language."""

import pytest
from django.test import RequestFactory
from django.utils import translation

from songjiang_liaison import views


@pytest.mark.parametrize(
    ("handler", "status", "text"),
    [
        (views.error_400, 400, "请求的内容有误"),
        (views.error_403, 403, "403"),
        (views.error_404, 404, "404"),
    ],
)
@pytest.mark.django_db
def test_each_error_page_is_styled_with_its_status(handler, status, text, rf: RequestFactory):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/somewhere/")
    request.user = AnonymousUser()
    response = handler(request, exception=Exception("detail not shown"))

    content = response.content.decode()
    assert response.status_code == status
    assert text in content
    assert "detail not shown" not in content
    assert "返回首页" in content


@pytest.mark.django_db
def test_the_400_page_speaks_english_to_an_english_reader(rf: RequestFactory):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/somewhere/")
    request.user = AnonymousUser()
    with translation.override("en"):
        content = views.error_400(request).content.decode()

    assert "请求的内容有误" not in content
