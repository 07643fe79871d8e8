"""The Content-Security-Policy header (django-csp, docs/csp.md) on every kind of response: public and
signed-in pages, the admin, the API's JSON, the API docs and the error pages. The policy is strict
(no 'unsafe-inline', no 'unsafe-eval') everywhere; CSP_REPORT_ONLY=true sends it as report-only."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HEADER = "Content-Security-Policy"
EXPECTED = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'", "data:"},
    "font-src": {"'self'"},
    "object-src": {"'none'"},
    "base-uri": {"'self'"},
    "frame-ancestors": {"'none'"},
    "form-action": {"'self'"},
}


def _directives(response):
    header = response.get(HEADER)
    assert header, f"no {HEADER} header on {response.request['PATH_INFO']}"
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = set(sources)
    return directives


def assert_strict(response):
    directives = _directives(response)
    assert directives == EXPECTED, directives
    assert "unsafe" not in response[HEADER]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/deputies/",
        "/opinions/new/",
        "/opinions/archive/",
        "/reports/public/",
        "/reports/response-times/",
        "/accounts/login/",
    ],
)
def test_public_pages_carry_the_strict_policy(client, url):
    response = client.get(url)

    assert response.status_code == 200
    assert_strict(response)


@pytest.mark.django_db
def test_a_deputy_profile_carries_the_strict_policy(client, deputy):
    response = client.get(f"/deputies/{deputy.pk}/")

    assert response.status_code == 200
    assert_strict(response)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    ["/", "/opinions/queue/", "/opinions/record/", "/reports/handling/", "/accounts/notifications/settings/"],
)
def test_signed_in_staff_pages_carry_the_strict_policy(login, street_staff, url):
    response = login(street_staff).get(url)

    assert response.status_code == 200
    assert_strict(response)


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/admin/", "/admin/accounts/user/", "/admin/login/"])
def test_the_admin_carries_the_strict_policy(client, admin_user, url):
    if url != "/admin/login/":
        client.force_login(admin_user)

    response = client.get(url)

    assert response.status_code == 200
    assert_strict(response)


@pytest.mark.django_db
@pytest.mark.parametrize("report_only", [False, True])
def test_the_admin_history_page_allows_only_its_one_inline_style(
    client, settings, admin_user, district_congress, report_only
):
    from django.conf import settings as live

    header = HEADER
    if report_only:
        settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = live.CONTENT_SECURITY_POLICY
        settings.CONTENT_SECURITY_POLICY = None
        header = f"{HEADER}-Report-Only"
    client.force_login(admin_user)

    response = client.get(f"/admin/deputies/congress/{district_congress.pk}/history/")

    assert response.status_code == 200
    policy = response[header]
    assert "style-src-attr 'unsafe-hashes' 'sha256-XMXSevYjgSjXgRafBFDvtjwX+yyWLrxfso9DcNZ9UXM='" in policy
    assert "style-src 'self';" in policy and "script-src 'self';" in policy
    assert "unsafe-inline" not in policy
    # Other admin pages keep the strict policy.
    other = client.get(f"/admin/deputies/congress/{district_congress.pk}/change/")
    assert "style-src-attr" not in other[header]
    if not report_only:
        assert_strict(other)


@pytest.mark.django_db
def test_the_api_json_carries_the_strict_policy(client):
    response = client.get("/api/v1/deputies/", HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert_strict(response)


@pytest.mark.django_db
def test_the_api_docs_and_their_init_script_carry_the_strict_policy(client):
    page = client.get("/api/v1/docs/")
    script = client.get("/api/v1/docs/?script=")

    assert page.status_code == 200 and script.status_code == 200
    assert_strict(page)
    assert_strict(script)
    # The page runs no inline script: its init script is a separate file.
    assert "<script>" not in page.content.decode()


@pytest.mark.django_db
def test_the_404_page_carries_the_strict_policy(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert_strict(response)


@pytest.mark.django_db
def test_the_403_page_carries_the_strict_policy(login, deputy_user):
    response = login(deputy_user).get("/reports/funds/")

    assert response.status_code == 403
    assert_strict(response)


@pytest.mark.django_db
def test_the_api_refusal_carries_the_strict_policy(client):
    response = client.get("/api/v1/auth/me/", HTTP_ACCEPT="application/json")

    assert response.status_code in {401, 403}
    assert_strict(response)


def _policy_headers(**env):
    """The header names the settings choose, in a fresh interpreter with `env`."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CSP_")}
    environment.update(env, TESTING="true")
    code = (
        "import os, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'songjiang_liaison.settings'; "
        "django.setup(); from django.conf import settings; "
        "print(bool(getattr(settings, 'CONTENT_SECURITY_POLICY', None)), "
        "bool(getattr(settings, 'CONTENT_SECURITY_POLICY_REPORT_ONLY', None)), "
        "(getattr(settings, 'CONTENT_SECURITY_POLICY', None) or "
        "settings.CONTENT_SECURITY_POLICY_REPORT_ONLY)['DIRECTIVES'].get('report-uri'))"
    )
    result = subprocess.run(  # noqa: S603 (our own interpreter and a fixed snippet)
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


@pytest.mark.parametrize("report_only", ["false", "true"])
def test_the_system_checks_accept_the_settings_in_both_modes(report_only):
    """django-csp 4 stops `manage.py check` (and so migrate and runserver) on 3.x-style CSP_* settings."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CSP_")}
    environment.update(TESTING="true", CSP_REPORT_ONLY=report_only, CSP_REPORT_URI="/csp-report/")

    result = subprocess.run(  # noqa: S603 (our own interpreter and manage.py)
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    assert "csp." not in result.stderr


def test_the_policy_is_enforced_by_default():
    assert _policy_headers() == ["True", "False", "None"]


def test_csp_report_only_switches_to_the_report_only_header_with_a_report_address():
    enforced, report_only, report_uri = _policy_headers(CSP_REPORT_ONLY="true", CSP_REPORT_URI="/csp-report/")

    assert (enforced, report_only) == ("False", "True")
    assert report_uri == "['/csp-report/']"


@pytest.mark.django_db
def test_in_report_only_mode_the_page_gets_the_report_only_header(client, settings):
    from django.conf import settings as live

    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = live.CONTENT_SECURITY_POLICY
    settings.CONTENT_SECURITY_POLICY = None

    response = client.get("/")

    assert HEADER not in response
    assert "script-src 'self'" in response[f"{HEADER}-Report-Only"]


@pytest.mark.django_db
def test_the_browsable_api_allows_only_its_own_layout_styles(client, admin_user):
    from songjiang_liaison.content_policy import style_hash

    client.force_login(admin_user)
    for url in ("/api/v1/deputies/", "/api/v1/opinions/"):
        response = client.get(url, HTTP_ACCEPT="text/html")

        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/html")
        policy = response[HEADER]
        assert f"style-src-attr 'unsafe-hashes' {style_hash('float: right; margin-right: 10px')}" in policy
        assert "style-src 'self';" in policy and "script-src 'self';" in policy
        assert "unsafe-inline" not in policy
        assert "<style" not in response.content.decode()


def test_the_allowed_browsable_api_styles_are_those_of_the_installed_rest_framework():
    """After an upgrade of Django REST framework, a new style="" value fails here, not in the browser."""
    import re

    import rest_framework

    from songjiang_liaison.content_policy import DRF_STYLE_VALUES

    folder = Path(rest_framework.__file__).parent / "templates" / "rest_framework"
    files = [folder / "base.html", *folder.glob("filters/*.html"), *folder.glob("horizontal/*.html")]
    values = {v for f in files for v in re.findall(r'style="([^"{]*)"', f.read_text(encoding="utf-8"))}

    assert values == set(DRF_STYLE_VALUES)
