"""Infrastructure that knows no domain: the task outbox, at-most-once delivery claims, a cache that
survives a Redis outage, and the health checks. It imports no app of the portal (accounts, deputies,
feedback, contacts, reports); those import it.

- `ops.outbox.enqueue(task, *args)`: queue a Celery task after commit, recorded in the database first.
- `ops.claims.deliver_once(key, send)`: send an e-mail or SMS at most once per stable key.
- `ops.cache.FailSafeRedisCache`: the cache backend; Redis down means a local fallback, never a 500.
"""
