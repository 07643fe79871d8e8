"""Two people acting at the same moment, for the PostgreSQL concurrency tests."""

import threading

from django.db import connection

from feedback import workflow
from feedback.models import Opinion


def race(attempts, *, refused=(workflow.ActionConflict,), refused_as="conflict") -> list[str]:
    """Run each (actor, opinion id, action, data) in its own thread: every thread reads its opinion
    as a request would, then all act together. Each outcome is "ok", ``refused_as`` for an expected
    refusal, or the repr of anything else (for the assertion to show)."""
    barrier = threading.Barrier(len(attempts))
    outcomes = [None] * len(attempts)

    def run(i, actor, opinion_pk, action, data):
        try:
            opinion = Opinion.objects.get(pk=opinion_pk)
            barrier.wait(timeout=10)
            workflow.apply_action(opinion=opinion, action=action, actor=actor, data=data)
            outcomes[i] = "ok"
        except refused:
            outcomes[i] = refused_as
        except Exception as exc:  # reported by the caller's assertion
            outcomes[i] = repr(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, *attempt)) for i, attempt in enumerate(attempts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes
