"""Reports and public statistics read from the replica when one is configured (DATABASE_REPLICA_URL);
sign-in, sessions, writes and every other page stay on the primary (songjiang_liaison/replica.py).

The routing rules run everywhere; the queries on a real second alias run where the suite has one:
`.ci/run` runs this file once more with DATABASE_REPLICA_URL set to the test database (the alias
mirrors `default`) and REQUIRE_REPLICA=1. (Not the whole suite: a test that may only touch `default`
would be refused the replica.)"""

import pytest
from django.conf import settings
from django.db import connections
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from feedback.models import Opinion
from songjiang_liaison import replica
from songjiang_liaison.replica import REPLICA, ReplicaRouter, replica_reads


@pytest.fixture
def with_replica_alias(monkeypatch):
    monkeypatch.setattr(replica, "configured", lambda: True)


def test_only_marked_reads_of_the_figures_go_to_the_replica(with_replica_alias):
    router = ReplicaRouter()

    assert router.db_for_read(Opinion) is None  # outside a marked view: the primary
    with replica_reads():
        assert router.db_for_read(Opinion) == REPLICA
        assert router.db_for_read(User) is None  # sign-in and sessions never lag
        assert router.db_for_write(Opinion) == "default"
    assert router.db_for_read(Opinion) is None
    assert router.allow_migrate(REPLICA, "feedback") is False
    assert router.allow_migrate("default", "feedback") is True


def test_without_a_replica_nothing_is_routed():
    if REPLICA in settings.DATABASES:
        pytest.skip("this run has a replica alias (DATABASE_REPLICA_URL is set)")
    with replica_reads():
        assert ReplicaRouter().db_for_read(Opinion) is None


@pytest.fixture
def replica_alias():
    if REPLICA not in settings.DATABASES:
        import os

        reason = "no replica alias: set DATABASE_REPLICA_URL (as .ci/run does)"
        if os.environ.get("REQUIRE_REPLICA", "").lower() in {"1", "true", "yes"}:
            pytest.fail(f"REQUIRE_REPLICA is set but {reason}", pytrace=False)
        pytest.skip(reason)
    return connections[REPLICA]


# Declared only where the alias exists (pytest-django refuses an unknown alias before any fixture runs).
ALIASES = ["default", REPLICA] if REPLICA in settings.DATABASES else ["default"]


@pytest.mark.services
@pytest.mark.django_db(transaction=True, databases=ALIASES)
def test_public_statistics_and_response_times_run_their_queries_on_the_replica(client, replica_alias):
    from tests.feedback.factories import OpinionFactory

    OpinionFactory()
    primary = connections["default"]
    with CaptureQueriesContext(replica_alias) as on_replica, CaptureQueriesContext(primary) as on_primary:
        statistics = client.get("/reports/public/")
        times = client.get("/api/v1/public/response-times/")
    assert (statistics.status_code, times.status_code) == (200, 200)
    assert len(on_replica) >= 2
    assert not [q for q in on_primary if "feedback_opinion" in q["sql"] or "contacts_" in q["sql"]]

    with CaptureQueriesContext(replica_alias) as on_replica:
        assert client.get("/deputies/").status_code == 200
    assert len(on_replica) == 0  # an unmarked page reads the primary
