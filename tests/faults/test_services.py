"""Faults on REAL services (docs/deployment.md, "Faults"): a private PostgreSQL cluster and Redis,
gunicorn and prefork Celery workers with the production settings (tests/faults/stack.py). Each test
breaks one part of the running portal and asserts that no opinion, activity or notification was lost
or sent twice.

`.ci/run` runs them (REQUIRE_SERVICES=1 makes a missing tool a failure); a plain `make test` skips them
with the reason unless PostgreSQL, Redis and the PostgreSQL server binaries are there. The tests share
one stack, in this order: the last one kills the first worker.
"""

from __future__ import annotations

import json
import os
import re
import signal
import time

import pytest

from tests.faults.stack import Stack, missing_tools, wait_until

pytestmark = [pytest.mark.services, pytest.mark.worker, pytest.mark.xdist_group("fault-stack")]

TEXT = "人乐新村5号楼前的路灯坏了一个多月，晚上出行很不方便。"
EMAIL_ON = (
    "from accounts.models import User, NotificationKind; from accounts.notify import notify, set_preference; "
    "u = User.objects.get(username='demo-deputy'); "
    "set_preference(user=u, kind=NotificationKind.OTHER, in_app=True, email=True, sms=False); "
)


@pytest.fixture(scope="module")
def stack():
    reason = missing_tools()
    if reason:
        if os.environ.get("REQUIRE_SERVICES", "").lower() in {"1", "true", "yes"}:
            pytest.fail(f"REQUIRE_SERVICES is set but {reason}", pytrace=False)
        pytest.skip(reason)
    running = Stack(visibility_timeout=15)
    try:
        running.start()
        yield running
    except BaseException:
        print(running.logs())
        raise
    finally:
        running.stop()


@pytest.fixture(scope="module")
def demo(stack):
    return stack.query(
        "(lambda d: {'deputy': d.pk, 'region': d.constituency.region_id, 'user': d.person.user_id, "
        "'constituency': d.constituency_id})(Deputy.objects.select_related('constituency')"
        ".get(person__user__username='demo-deputy'))"
    )


def opinion(demo, text=TEXT) -> dict:
    return {"content": text, "region": demo["region"], "deputy": demo["deputy"], "consent": True}


def notifications_for(stack, user_id: int, opinion_codes: list[str]) -> dict[str, int]:
    """How many notifications the user has about each opinion (by tracking code)."""
    return stack.query(
        f"{{o.tracking_code: Notification.objects.filter(recipient_id={user_id}, url__endswith=f'/{{o.pk}}/')"
        f".count() for o in Opinion.objects.filter(tracking_code__in={opinion_codes!r})}}"
    )


def unsent_tasks(stack) -> int:
    return stack.query("OutboxTask.objects.filter(sent_at__isnull=True).count()")


def test_redis_stopped_citizens_and_deputies_go_on_and_the_notifications_follow(stack, demo):
    from deputies.demo import DEMO_PASSWORD

    street = stack.query(
        "(lambda s: {'street': s.pk, 'committee': Region.objects.committees().filter(parent=s).first().pk})"
        f"(Region.objects.get(pk={demo['region']}).street_or_town())"
    )
    stack.redis.stop()

    started = time.monotonic()
    status, body = stack.post_json("/api/v1/opinions/", opinion(demo))
    assert status == 201, body
    api_code = body["tracking_code"]
    assert time.monotonic() - started < 10  # no long waits on the missing Redis

    citizen = stack.client()
    _status, _h, page = citizen.get("/opinions/new/")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
    status, headers, _b = citizen.post_form(
        "/opinions/new/",
        {"content": TEXT + "（表单）", "category": "交通出行", "street": street["street"],
         "committee": street["committee"], "website": "", "csrfmiddlewaretoken": token},
    )  # fmt: skip
    assert status == 302, _b[:500]
    form_code = stack.query(
        f"Opinion.objects.filter(content={TEXT + '（表单）'!r}).values_list('tracking_code', flat=True).get()"
    )

    credentials = {"username": "demo-deputy", "password": DEMO_PASSWORD}
    status, token_body = stack.post_json("/api/v1/auth/token/", credentials)
    assert status == 200, token_body
    status, activity = stack.post_json(
        "/api/v1/activities/",
        {"kind": "visit", "date": time.strftime("%Y-%m-%d"), "constituency": demo["constituency"],
         "is_constituency_contact": True, "people_reached": 12, "summary": "故障演练：Redis 停止时的走访"},
        headers={"Authorization": f"Token {token_body['token']}"},
    )  # fmt: skip
    assert status == 201, activity
    staff = stack.client()
    staff.login("demo-street-staff", DEMO_PASSWORD)  # raises unless 302 with a session

    status, _h, health = stack.client().get("/healthz")
    health = json.loads(health)
    assert status == 200 and {"cache", "broker"} <= set(health["down"]), health
    assert health["database"]["ok"]
    stored = stack.query(
        f"[Opinion.objects.filter(tracking_code__in={[api_code, form_code]!r}).count(), "
        f"ContactActivity.objects.filter(pk={activity['id']}).count()]"
    )
    assert stored == [2, 1]
    assert unsent_tasks(stack) >= 2  # the notifications wait in the outbox, in the database

    stack.redis.start()
    wait_until(
        lambda: not {"cache", "broker"} & set(json.loads(stack.client().get("/healthz")[2])["down"]),
        timeout=60,
        what="/healthz to see the cache and the broker back",
    )
    swept = stack.sweep_outbox()
    assert swept >= 2, "the sweep sent the tasks the outage kept in the database"
    wait_until(
        lambda: notifications_for(stack, demo["user"], [api_code]) == {api_code: 1},
        timeout=60,
        what="the deputy's notification of the opinion sent while Redis was down",
    )
    time.sleep(2)  # a duplicate would arrive now
    assert notifications_for(stack, demo["user"], [api_code]) == {api_code: 1}
    assert unsent_tasks(stack) == 0
    assert stack.sweep_outbox() == 0  # nothing sent twice by a second sweep


def test_postgresql_restarted_under_gunicorn_the_next_requests_succeed(stack, demo):
    client = stack.client()
    for _ in range(4):  # both gunicorn workers hold a persistent connection
        assert client.get("/deputies/")[0] == 200

    stack.postgres.restart()

    statuses = [client.get("/deputies/")[0] for _ in range(6)]
    status, body = stack.post_json("/api/v1/opinions/", opinion(demo, TEXT + "（数据库重启后）"))
    assert statuses == [200] * 6
    assert status == 201, body
    # The worker reconnected too: the deputy is told of the opinion.
    wait_until(
        lambda: notifications_for(stack, demo["user"], [body["tracking_code"]]) == {body["tracking_code"]: 1},
        timeout=60,
        what="the worker to notify after the PostgreSQL restart",
    )


def _email_notification(stack, title: str) -> None:
    stack.shell(EMAIL_ON + f"notify(recipient=u, kind=NotificationKind.OTHER, title={title!r})")


def test_a_pool_child_killed_while_sending_an_email_the_task_runs_again_and_sends_nothing_twice(stack):
    stack.smtp.stall_next()
    _email_notification(stack, "fault-drill child-killed")
    assert stack.smtp.stalled.wait(60), stack.log(stack.worker)

    children = stack.pool_children(stack.worker)
    assert children
    for pid in children:
        os.kill(pid, signal.SIGKILL)
    stack.smtp.release()

    wait_until(
        lambda: "already claimed" in stack.log(stack.worker),
        timeout=60,
        what="the redelivered e-mail task to run again and find its claim",
    )
    assert [s for _to, s in stack.smtp.messages].count("fault-drill child-killed") == 1
    # The worker goes on sending what comes next.
    _email_notification(stack, "fault-drill after the kill")
    wait_until(
        lambda: "fault-drill after the kill" in [s for _to, s in stack.smtp.messages],
        timeout=60,
        what="the next e-mail",
    )


def test_a_task_queued_in_a_transaction_that_rolls_back_never_runs(stack):
    stack.shell(
        EMAIL_ON + "from django.db import transaction\n"
        "try:\n"
        "    with transaction.atomic():\n"
        "        notify(recipient=u, kind=NotificationKind.OTHER, title='fault-drill rolled back')\n"
        "        raise RuntimeError('the change failed')\n"
        "except RuntimeError:\n"
        "    pass\n"
        "notify(recipient=u, kind=NotificationKind.OTHER, title='fault-drill committed')"
    )
    wait_until(
        lambda: "fault-drill committed" in [s for _to, s in stack.smtp.messages],
        timeout=60,
        what="the committed notification's e-mail",
    )
    time.sleep(2)
    subjects = [s for _to, s in stack.smtp.messages]
    assert "fault-drill rolled back" not in subjects
    assert stack.query("Notification.objects.filter(title='fault-drill rolled back').count()") == 0


def test_a_killed_worker_machine_its_task_is_taken_by_another_worker_within_the_visibility_timeout(stack):
    stack.smtp.stall_next()
    _email_notification(stack, "fault-drill machine lost")
    assert stack.smtp.stalled.wait(60), stack.log(stack.worker)

    killed_at = time.monotonic()
    stack.kill_worker(stack.worker)
    stack.smtp.release()
    stack.start_worker("worker-b")

    wait_until(
        lambda: "already claimed" in stack.log("worker-b"),
        timeout=90,
        what="another worker to take the unacknowledged task after the visibility timeout",
    )
    taken_after = time.monotonic() - killed_at
    assert taken_after < 15 + 45  # visibility timeout + kombu's restore interval + start-up
    assert [s for _to, s in stack.smtp.messages].count("fault-drill machine lost") == 1
