"""The public page of the deputies' motions and suggestions and their handling results (§四(三),
R-OP-5): public ones for everyone, with filters, paging and a constant number of queries."""

import datetime

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from feedback.models import SuggestionState

from .factories import OpinionFactory, SuggestionFactory

URL = reverse("feedback:suggestions")
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def page(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_public_reads_public_suggestions_and_their_answers_never_the_private_ones(
    citizen, deputy, handling_unit
):
    answered = SuggestionFactory(
        deputy=deputy,
        title="关于增设公交线路的建议",
        state=SuggestionState.ANSWERED,
        answer="已于9月开通松江12路。",
        answered_at=datetime.datetime(2026, 9, 1, tzinfo=SHANGHAI),
    )
    answered.handling_units.add(handling_unit)
    SuggestionFactory(deputy=deputy, title="保密的建议", is_public=False)
    opinion = OpinionFactory(
        submitter_name="张三", submitter_phone="13812345678", submitter_address="人乐路1号"
    )
    SuggestionFactory(deputy=deputy, title="来自群众的建议", opinion=opinion)

    html = page(citizen)

    assert "关于增设公交线路的建议" in html and "已于9月开通松江12路。" in html
    assert handling_unit.name in html and deputy.person.name in html
    assert "来自群众的建议" in html
    assert "保密的建议" not in html
    for private in ("张三", "13812345678", "人乐路1号"):
        assert private not in html


def test_filters_narrow_the_list_and_the_text_is_escaped(citizen, deputy):
    SuggestionFactory(deputy=deputy, title="<script>alert(1)</script>路灯", kind="suggestion")
    SuggestionFactory(deputy=deputy, title="议案：垃圾分类", kind="motion")
    SuggestionFactory(
        deputy=deputy, title="去年的建议", submitted_at=datetime.datetime(2025, 5, 1, tzinfo=SHANGHAI)
    )

    motions = page(citizen, kind="motion")
    assert "议案：垃圾分类" in motions and "路灯" not in motions
    assert "去年的建议" in page(citizen, year=2025) and "议案：垃圾分类" not in page(citizen, year=2025)
    searched = page(citizen, q="路灯")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;路灯" in searched and "<script>alert(1)" not in searched


def test_long_lists_are_paged_and_run_the_same_number_of_queries(citizen, deputy, handling_unit):
    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            page(citizen)
        return len(queries)

    for _ in range(3):
        SuggestionFactory(deputy=deputy).handling_units.add(handling_unit)
    few = count_queries()
    for _ in range(30):
        SuggestionFactory(deputy=deputy).handling_units.add(handling_unit)
    many = count_queries()

    assert few == many
    html = page(citizen)
    assert "page=2" in html
    assert html.count('data-testid="suggestions"') == 1


def test_the_page_speaks_english(citizen, deputy):
    SuggestionFactory(deputy=deputy, title="关于增设公交线路的建议")
    citizen.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    html = page(citizen)

    assert '<html lang="en">' in html
    assert "代表议案建议办理情况" not in html


@pytest.mark.parametrize("year", ["abc", "1800"])
def test_a_bad_year_is_ignored_with_an_error_and_the_list_still_shows(citizen, deputy, year):
    SuggestionFactory(deputy=deputy, title="关于增设公交线路的建议")

    html = page(citizen, year=year)

    assert "关于增设公交线路的建议" in html
    assert 'aria-invalid="true"' in html
