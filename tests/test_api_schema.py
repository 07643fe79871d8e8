"""The OpenAPI schema tells the truth (issue 12, item 5): real answers of the API validate against the
schema served at /api/v1/schema/, with the formats checked as schemathesis checks them (`make fuzz`
runs schemathesis itself against a production-like server); every operation documents the error
answers it can give."""

from __future__ import annotations

import datetime
import json
import re

import jsonschema
import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from deputies.models import ReceptionDuty
from tests import factories as f

# RFC 3339 `full-time` (what JSON Schema's `format: time` means): a time needs its offset.
RFC3339_TIME = re.compile(r"^\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$", re.IGNORECASE)
FORMATS = jsonschema.FormatChecker()
FORMATS.checks("time")(lambda value: not isinstance(value, str) or bool(RFC3339_TIME.match(value)))


@pytest.fixture(scope="module")
def schema():
    """The schema as /api/v1/schema/ serves it (generated once for the module)."""
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.renderers import OpenApiJsonRenderer

    generated = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(generated))


def _json_schema(node):
    """OpenAPI 3.0 → JSON Schema: `nullable: true` becomes "or null"."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: _json_schema(value) for key, value in node.items() if key != "nullable"}
    if node.get("nullable"):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


def assert_valid(schema: dict, path: str, method: str, response) -> None:
    """The answer's status is documented and its body validates against the documented schema."""
    responses = schema["paths"][path][method]["responses"]
    assert str(response.status_code) in responses, (path, response.status_code, sorted(responses))
    documented = responses[str(response.status_code)]["content"]["application/json"]["schema"]
    root = {**_json_schema(documented), "components": _json_schema(schema["components"])}
    validator = jsonschema.Draft202012Validator(root, format_checker=FORMATS)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(response.json())]
    assert not errors, errors


@pytest.mark.django_db
def test_reception_duty_times_validate_against_the_schema(schema, deputy):
    point = f.ContactPointFactory()
    ReceptionDuty.objects.create(
        contact_point=point,
        deputy=deputy,
        date=timezone.localdate() + datetime.timedelta(days=3),
        start_time=datetime.time(9, 0),
        end_time=datetime.time(11, 30),
    )

    response = APIClient().get("/api/v1/contact-points/")

    assert response.json()["results"][0]["upcoming_duties"][0]["start_time"] == "09:00:00"
    assert_valid(schema, "/api/v1/contact-points/", "get", response)


@pytest.mark.django_db
def test_a_deputy_without_a_public_email_validates_against_the_schema(schema, deputy):
    response = APIClient().get(f"/api/v1/deputies/{deputy.pk}/")

    assert response.json()["public_email"] == ""
    assert_valid(schema, "/api/v1/deputies/{id}/", "get", response)


@pytest.mark.django_db
def test_an_opinion_without_level_due_kind_or_reject_reason_validates(schema, admin_user, deputy):
    from tests.feedback.factories import OpinionFactory

    opinion = OpinionFactory(region=deputy.constituency.region, deputy=deputy)
    assert (opinion.level, opinion.due_kind, opinion.reject_reason) == ("", "", "")
    api = APIClient()
    api.force_authenticate(admin_user)

    assert_valid(schema, "/api/v1/opinions/", "get", api.get("/api/v1/opinions/"))
    assert_valid(schema, "/api/v1/opinions/{id}/", "get", api.get(f"/api/v1/opinions/{opinion.pk}/"))


@pytest.mark.django_db
def test_the_workflow_table_is_documented_as_the_list_it_is(schema, admin_user):
    api = APIClient()
    api.force_authenticate(admin_user)

    response = api.get("/api/v1/opinions/actions/")

    assert isinstance(response.json(), list) and response.json()
    assert_valid(schema, "/api/v1/opinions/actions/", "get", response)


@pytest.mark.django_db
def test_error_answers_are_documented_where_they_happen(schema, deputy, settings):
    anonymous = APIClient()
    cases = [
        ("/api/v1/opinions/", "get", anonymous.get("/api/v1/opinions/")),  # 401: no credentials
        ("/api/v1/deputies/{id}/", "get", anonymous.get("/api/v1/deputies/999999/")),  # 404
        ("/api/v1/deputies/", "get", anonymous.get("/api/v1/deputies/", {"page": 99})),  # 404
        ("/api/v1/deputies/", "get", anonymous.get("/api/v1/deputies/", {"congress": 999999})),  # 400
        ("/api/v1/activities/", "get", anonymous.get("/api/v1/activities/")),  # 401
    ]
    settings.MAX_REQUEST_BYTES = 10
    too_large = anonymous.post("/api/v1/opinions/", {"content": "x" * 50}, format="json")
    cases.append(("/api/v1/opinions/", "post", too_large))  # 413
    assert [response.status_code for *_x, response in cases] == [401, 404, 404, 400, 401, 413]
    for path, method, response in cases:
        assert_valid(schema, path, method, response)


@pytest.mark.django_db
def test_a_signed_in_caller_refused_gets_a_documented_403(schema, deputy_user):
    api = APIClient()
    api.force_authenticate(deputy_user)

    response = api.get("/api/v1/reports/compliance/")

    assert response.status_code == 403
    assert_valid(schema, "/api/v1/reports/compliance/", "get", response)


@pytest.mark.django_db
def test_an_id_that_is_not_a_number_is_a_json_404_on_the_api(schema):
    response = APIClient().get("/api/v1/deputies/abc/")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]


@pytest.mark.django_db
def test_operations_open_to_the_public_say_so_in_their_security(schema):
    """An operation that answers without credentials lists `{}`; one that does not, does not."""
    security = {
        (path, method): operation.get("security", [{}])
        for path, item in schema["paths"].items()
        for method, operation in item.items()
    }

    assert {} in security[("/api/v1/suggestions/", "get")]  # the published ones, for the public
    assert {} in security[("/api/v1/opinions/", "post")]  # the public submits
    assert {} not in security[("/api/v1/opinions/", "get")]
    assert {} not in security[("/api/v1/suggestions/", "post")]


@pytest.mark.django_db
def test_an_anonymous_list_of_suggestions_is_allowed_as_documented(schema):
    response = APIClient().get("/api/v1/suggestions/")

    assert response.status_code == 200
    assert_valid(schema, "/api/v1/suggestions/", "get", response)


def test_every_operation_documents_bad_input_and_bodies_document_413(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            assert "400" in operation["responses"], (method, path)
            if method in ("post", "put", "patch"):
                assert "413" in operation["responses"], (method, path)
            if operation.get("security") and {} not in operation["security"]:
                assert {"401", "403"} <= set(operation["responses"]), (method, path)


@pytest.mark.django_db
def test_the_public_archive_is_documented_as_the_page_it_is(schema):
    response = APIClient().get("/api/v1/public/opinions/")

    assert set(response.json()) == {"count", "next", "previous", "results"}
    assert_valid(schema, "/api/v1/public/opinions/", "get", response)


@pytest.mark.django_db
@pytest.mark.parametrize("size", ["null", "0", "-3", "1.5", ""])
def test_a_page_size_that_is_not_a_whole_number_from_1_is_a_400_naming_it(schema, size):
    """The schema says `page_size` is an integer ≥ 1; DRF used to serve the default page for anything."""
    response = APIClient().get("/api/v1/regions/", {"page_size": size})

    assert response.status_code == 400
    assert "page_size" in response.json()
    assert_valid(schema, "/api/v1/regions/", "get", response)


@pytest.mark.django_db
def test_an_empty_page_number_is_a_404_and_a_large_page_size_is_capped(schema):
    api = APIClient()

    assert api.get("/api/v1/regions/", {"page": ""}).status_code == 404
    assert api.get("/api/v1/regions/", {"page_size": "100000"}).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(("value", "status"), [("null", 400), ("maybe", 400), ("true", 200), ("", 200)])
def test_a_yes_no_filter_refuses_other_words(schema, district_congress, value, status):
    """Found by `make fuzz`: `?current=null` was read as no filter although the schema says boolean."""
    response = APIClient().get("/api/v1/congresses/", {"current": value})

    assert response.status_code == status
    if status == 400:
        assert "current" in response.json()
    assert_valid(schema, "/api/v1/congresses/", "get", response)


def test_an_empty_year_for_the_response_times_is_documented(schema):
    """Found by `make fuzz`: `?year=` answers this year's tables; the schema said integer only."""
    parameters = schema["paths"]["/api/v1/public/response-times/"]["get"]["parameters"]
    year = next(p for p in parameters if p["name"] == "year")

    jsonschema.validate("", year["schema"])
    jsonschema.validate(2026, year["schema"])


def test_a_reports_questions_are_documented_as_the_plain_list_they_are(schema):
    """Found by `make fuzz`: the answer is a list, the schema said a page (with page and filter params)."""
    operation = schema["paths"]["/api/v1/voter-reports/{id}/questions/"]["get"]

    assert operation["responses"]["200"]["content"]["application/json"]["schema"]["type"] == "array"
    assert [p["name"] for p in operation["parameters"]] == ["id"]


def test_changing_a_submitted_draft_documents_its_409(schema):
    """Found by `make fuzz`: PATCH on a submitted suggestion answers 409, undocumented."""
    assert "409" in schema["paths"]["/api/v1/suggestions/{id}/"]["patch"]["responses"]


def test_empty_query_values_state_actions_and_ids_in_queries_are_documented(schema):
    """Found by `make fuzz` as staff: `?deputy=` and `?is_constituency_contact=` (no filter) against
    integer/boolean, 409 from a meeting request's actions and 404 from a report's `group` undocumented."""
    listing = schema["paths"]["/api/v1/voter-reports/"]["get"]
    parameters = {p["name"]: p["schema"] for p in listing["parameters"]}
    jsonschema.validate("", parameters["deputy"])
    for action in ("arrange", "decline", "record"):
        assert "409" in schema["paths"][f"/api/v1/meeting-requests/{{id}}/{action}/"]["post"]["responses"]
    assert "404" in schema["paths"]["/api/v1/reports/compliance/"]["get"]["responses"]


def test_a_withheld_publication_may_answer_a_null_published_at(schema):
    """Found by `make fuzz` as the administrator: withholding answers `published_at: null`."""
    publication = schema["paths"]["/api/v1/opinions/{id}/publication/"]["post"]["responses"]["200"]
    ref = publication["content"]["application/json"]["schema"]["$ref"].split("/")[-1]

    assert schema["components"]["schemas"][ref]["properties"]["published_at"].get("nullable") is True


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/reports/handling/", "/api/v1/reports/compliance/"])
@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx"])
def test_each_report_format_answers_a_documented_content_type(schema, admin_user, path, fmt):
    """`?format=csv|xlsx` answers a file: its type is in the schema (found by make fuzz as street staff)."""
    client = APIClient()
    client.force_authenticate(admin_user)

    response = client.get(path, {"format": fmt})

    assert response.status_code == 200
    media_type = response["Content-Type"].split(";")[0].strip()
    assert media_type in schema["paths"][path]["get"]["responses"]["200"]["content"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/notifications/", "/api/v1/opinions/"])
@pytest.mark.parametrize("param", ["page", "page_size"])
def test_a_page_parameter_given_twice_is_a_400_naming_it(schema, admin_user, path, param):
    """`?page=x&page=` is not the one whole number the schema promises (found by make fuzz as admin:
    the inbox served the first page)."""
    client = APIClient()
    client.force_authenticate(admin_user)

    response = client.get(f"{path}?{param}=2&{param}=")

    assert response.status_code == 400
    assert param in response.json()
    assert_valid(schema, path, "get", response)


@pytest.mark.django_db
@pytest.mark.parametrize("value, status", [("AAA", 400), ("yes", 200), ("no", 200), ("", 200)])
def test_the_compliance_reports_compliant_filter_refuses_other_words(schema, admin_user, value, status):
    """`compliant` is yes or no (found by make fuzz as admin: `?compliant=AAA` served the whole report)."""
    client = APIClient()
    client.force_authenticate(admin_user)

    response = client.get("/api/v1/reports/compliance/", {"compliant": value})

    assert response.status_code == status
    if status == 400:
        assert "compliant" in response.json()
    assert_valid(schema, "/api/v1/reports/compliance/", "get", response)
