"""The OpenAPI schema and the Swagger UI docs of API v1: they generate cleanly and work on a closed
network (every asset is served by the portal itself)."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command

SCHEMA_URL = "/api/v1/schema/"
DOCS_URL = "/api/v1/docs/"
REGISTRY_PATHS = [
    "/api/v1/regions/",
    "/api/v1/congresses/",
    "/api/v1/constituencies/",
    "/api/v1/deputy-groups/",
    "/api/v1/deputies/",
    "/api/v1/deputies/{id}/",
    "/api/v1/organizations/",
    "/api/v1/contact-points/",
    "/api/v1/popolo.json",
    "/api/v1/auth/token/",
    "/api/v1/auth/me/",
]


def test_the_schema_generates_without_warnings_and_validates(tmp_path):
    # --fail-on-warn turns any warning or error of the generator into a failure.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))

    assert "openapi: 3" in (tmp_path / "schema.yaml").read_text()


@pytest.mark.django_db
def test_the_schema_is_served_and_describes_the_registry_and_auth_endpoints(client):
    response = client.get(SCHEMA_URL, {"format": "json"})

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert set(REGISTRY_PATHS) <= set(schema["paths"])
    assert "tokenAuth" in schema["components"]["securitySchemes"]


@pytest.mark.django_db
def test_the_deputy_schema_marks_private_fields_optional(client):
    deputy = client.get(SCHEMA_URL, {"format": "json"}).json()["components"]["schemas"]["Deputy"]

    assert {"private_phone", "staff_notes", "end_reason"} <= set(deputy["properties"])
    assert {"private_phone", "staff_notes", "end_reason"}.isdisjoint(deputy["required"])
    assert {"id", "name", "public_phone"} <= set(deputy["required"])


@pytest.mark.django_db
def test_the_docs_page_loads_only_the_portals_own_static_files(client):
    response = client.get(DOCS_URL)
    html = response.content.decode()

    assert response.status_code == 200
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    # The init script is served by the docs view itself (no inline script: docs/csp.md).
    init_url = f"{DOCS_URL}?script="
    assert init_url in assets
    for asset in assets:
        if asset != init_url:
            assert asset.startswith("/static/"), asset
            assert finders.find(asset.removeprefix("/static/")), f"{asset} is not a static file of the portal"
    init = client.get(init_url)
    assert init.status_code == 200
    assert init["Content-Type"].startswith("application/javascript")
    script = init.content.decode()
    # No CDN, no online validator badge: nothing leaves the closed network.
    for text in (html, script):
        assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", text, re.IGNORECASE)
    assert 'url: "/api/v1/schema/"' in script
    assert '"validatorUrl": null' in script
