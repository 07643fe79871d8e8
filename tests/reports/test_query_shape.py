"""The shape of the report's one query: each source of the measures is grouped once (WITH …), and
the deputies are joined to those grouped tables, so the database aggregates every table once and
runs nothing per deputy (docs/benchmarks.md)."""

import pytest

from contacts import quotas
from reports.selectors import _ROW_FIELDS, DEFAULT_ORDER, _annotated

YEAR = 2026


def main_query(sql: str) -> str:
    """The statement after its WITH clause: the text from the first SELECT outside parentheses."""
    depth = 0
    for i, char in enumerate(sql):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and sql.startswith("SELECT", i):
            return sql[i:]
    raise AssertionError(f"no main SELECT in {sql!r}")


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
def test_the_deputies_are_joined_to_grouped_tables_and_nothing_runs_per_deputy(queryset):
    sql, _params = queryset().query.sql_with_params()
    main = main_query(sql).upper()

    assert sql.lstrip().upper().startswith("WITH")
    for table in ("QUOTA_CONTACTS", "QUOTA_OPINIONS_NAMED", "QUOTA_OPINIONS_RECORDED", "QUOTA_POLICY"):
        assert f'LEFT OUTER JOIN "{table}"' in main
    # No subquery per deputy, and no grouping of the deputies' rows.
    assert "SELECT" not in main[len("SELECT") :]
    assert "GROUP BY" not in main
