"""The shape of the report's one query: grouped by plain columns, so that PostgreSQL joins the
participations once and runs each per-deputy subquery once per deputy (docs/benchmarks.md)."""

import re

import pytest
from django.db import connection

from contacts import quotas
from reports.selectors import _ROW_FIELDS, DEFAULT_ORDER, _annotated

YEAR = 2026


def group_by_clause(queryset) -> str:
    sql, _params = queryset.query.sql_with_params()
    match = re.search(r"\bGROUP BY\b(.*?)(\bHAVING\b|\bORDER BY\b|$)", sql, re.S)
    assert match, "the quota query is grouped by deputy"
    return match.group(1)


@pytest.fixture
def expressions_in_group_by(monkeypatch):
    """Let the GROUP BY spell out its expressions instead of numbering the selected columns."""
    monkeypatch.setattr(connection.features, "allows_group_by_select_index", False)


@pytest.mark.parametrize(
    "queryset",
    [
        pytest.param(
            lambda: (
                _annotated(quotas.deputies_serving_in_year(YEAR), YEAR, None)
                .order_by(*DEFAULT_ORDER)
                .values(*_ROW_FIELDS)
            ),
            id="compliance report",
        ),
        pytest.param(
            lambda: quotas.annotate_progress(
                quotas.deputies_serving_in_year(YEAR).select_related("person"), YEAR, with_compliant=True
            ).order_by("person__name", "pk"),
            id="annotate_progress with q_compliant",
        ),
    ],
)
@pytest.mark.django_db
def test_the_quota_query_groups_by_columns_and_never_by_a_subquery(expressions_in_group_by, queryset):
    group_by = group_by_clause(queryset())

    assert "SELECT" not in group_by.upper()
    assert "COUNT(" not in group_by.upper()
