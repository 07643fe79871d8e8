"""Reports and public statistics read from a PostgreSQL streaming replica, when one is configured.

    from songjiang_liaison.replica import reads_from_replica

    @reads_from_replica
    def public_statistics(request): ...

`DATABASE_REPLICA_URL` (unset by default) adds the `replica` database alias and `ReplicaRouter` sends the
reads of the registry, activities, opinions and reports made inside `reads_from_replica` (a decorator
or a context manager) to it. Everything else reads and writes the primary: sign-in and sessions, every
write, the workflow's compare-and-set, and every read outside a marked view, so a user never reads
their own change from a replica that has not replayed it yet. Without a replica the router does nothing.

In the test suite the alias mirrors `default` (`TEST["MIRROR"]`): `.ci/run` sets the variable to the
test database's URL and `tests/test_replica.py` checks which alias each query ran on.
"""

from __future__ import annotations

import functools
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

REPLICA = "replica"
# The apps whose figures a replica may serve (auth, sessions, the outbox and the like stay on the primary).
REPLICATED_APPS = frozenset({"deputies", "contacts", "feedback", "reports"})

_reading = ContextVar("reads_from_replica", default=False)


def configured() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def replica_reads():
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


def reads_from_replica(view):
    """Run a read-only view (function or `APIView.get`) with its figures read from the replica."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        with replica_reads():
            return view(*args, **kwargs)

    return wrapped


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _reading.get() and model._meta.app_label in REPLICATED_APPS and configured():
            return REPLICA
        return None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same data on both aliases

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != REPLICA  # the replica is migrated by replication
