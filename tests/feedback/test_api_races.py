"""Races through the API answer right (issue 12, item 2): the loser of a workflow race gets 409 — never
500, never 403 "you may not" when the caller could act a moment before — and a double submission
stores one opinion. The sequential tests run everywhere; the threaded ones need PostgreSQL."""

import json
import threading
import uuid

import pytest
from django.db import connection
from django.test import Client

from feedback import api as feedback_api
from feedback import workflow
from feedback.models import Opinion, OpinionEvent

pytestmark = pytest.mark.django_db

URL = "/api/v1/opinions/"
TEXT = "人乐新村5号楼前的路灯坏了一个多月，晚上出行很不方便。"
REPLY = {"outcome": "solved", "text": "已修复路灯。"}


def post_json(client, url, data, **headers):
    return client.post(url, json.dumps(data), content_type="application/json", headers=headers)


def _assigned_to(opinion, admin_user, *units):
    for action, data in (("route", {"level": "street"}), ("assign", {"units": [u.pk for u in units]})):
        opinion = workflow.apply_action(opinion=opinion, action=action, actor=admin_user, data=data)
    return opinion


def _submission(region, **extra):
    return {"content": TEXT, "region": region.pk, "submitter_name": "张三", "consent": True, **extra}


# --- Sequential (any database) ---------------------------------------------------------------------


def test_a_unit_replying_twice_gets_409_not_403_the_second_time(
    login, opinion, admin_user, handling_unit, handling_unit_staff, other_unit, bodies
):
    opinion = _assigned_to(opinion, admin_user, handling_unit, other_unit)
    client = login(handling_unit_staff)
    assert post_json(client, f"{URL}{opinion.pk}/reply/", REPLY).status_code == 200

    again = post_json(client, f"{URL}{opinion.pk}/reply/", REPLY)

    assert again.status_code == 409
    assert OpinionEvent.objects.filter(opinion=opinion, action="reply").count() == 1


def test_a_caller_who_never_could_still_gets_403(
    login, opinion, admin_user, deputy_user, handling_unit, other_unit, bodies
):
    opinion = _assigned_to(opinion, admin_user, handling_unit, other_unit)
    # Alice sees her opinion but replying is the units' work: she never could.
    response = post_json(login(deputy_user), f"{URL}{opinion.pk}/reply/", REPLY)
    assert response.status_code == 403


def test_the_loser_who_can_no_longer_see_the_opinion_gets_409(
    login, opinion, street_staff, monkeypatch, bodies
):
    """The winner routed the opinion away between the loser's read and write: the 409 answer must not
    re-read an opinion the loser can no longer see."""
    visible = {"calls": 0}
    real_opinion_for = feedback_api.selectors.opinion_for

    def opinion_for(user, pk):
        visible["calls"] += 1
        return real_opinion_for(user, pk) if visible["calls"] == 1 else None

    def lost(**kwargs):
        raise workflow.ActionConflict("其他人刚刚处理了这条意见，请刷新后再试。")

    monkeypatch.setattr(feedback_api.selectors, "opinion_for", opinion_for)
    monkeypatch.setattr(feedback_api.workflow, "apply_action", lost)
    client = login(street_staff)
    client.raise_request_exception = False

    response = post_json(client, f"{URL}{opinion.pk}/verify/", {})

    assert response.status_code == 409
    assert "detail" in response.json()


def test_a_double_click_with_one_idempotency_key_stores_one_opinion(citizen, yueyang_community, deputy):
    key = str(uuid.uuid4())
    first = post_json(citizen, URL, _submission(yueyang_community), **{"Idempotency-Key": key})
    second = post_json(citizen, URL, _submission(yueyang_community), **{"Idempotency-Key": key})

    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["tracking_code"] == second.json()["tracking_code"]
    assert Opinion.objects.count() == 1


def test_another_callers_idempotency_key_does_not_reveal_their_opinion(
    client, yueyang_community, deputy_user, deputy
):
    key = str(uuid.uuid4())
    first = post_json(client, URL, _submission(yueyang_community), **{"Idempotency-Key": key})
    client.force_login(deputy_user)
    other = post_json(client, URL, _submission(yueyang_community), **{"Idempotency-Key": key})

    assert first.json()["tracking_code"] != other.json()["tracking_code"]
    assert Opinion.objects.count() == 2


def test_an_overlong_idempotency_key_is_refused(citizen, yueyang_community):
    response = post_json(citizen, URL, _submission(yueyang_community), **{"Idempotency-Key": "k" * 300})
    assert response.status_code == 400
    assert not Opinion.objects.exists()


def test_a_double_click_on_the_public_form_stores_one_opinion(client, yueyang, yueyang_community, deputy):
    page = client.get("/opinions/new/")
    token = page.context["form"]["submission_token"].value()
    assert token
    form = {
        "content": TEXT,
        "street": yueyang.pk,
        "committee": yueyang_community.pk,
        "category": "交通出行",
        "submitter_name": "张三",
        "consent": "on",
        "submission_token": token,
    }
    first = client.post("/opinions/new/", form)
    second = client.post("/opinions/new/", form)

    assert first.status_code == second.status_code == 302, (
        getattr(first, "context", {}) and first.context["form"].errors
    )
    assert first["Location"] == second["Location"]
    assert Opinion.objects.count() == 1


# --- Threads on PostgreSQL --------------------------------------------------------------------------


def _in_threads(n, call):
    """Run `call(i)` in n threads released together; returns their results (or the exception's repr)."""
    barrier = threading.Barrier(n)
    results = [None] * n

    def run(i):
        try:
            barrier.wait(timeout=10)
            results[i] = call(i)
        except Exception as exc:  # shown by the assertion
            results[i] = repr(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def _client_for(user):
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_thirty_parallel_replies_by_one_unit_give_one_200_and_the_rest_409(
    opinion, admin_user, handling_unit, handling_unit_staff, other_unit, bodies
):
    opinion = _assigned_to(opinion, admin_user, handling_unit, other_unit)
    clients = [_client_for(handling_unit_staff) for _ in range(30)]

    codes = _in_threads(30, lambda i: post_json(clients[i], f"{URL}{opinion.pk}/reply/", REPLY).status_code)

    assert sorted(codes, key=str) == [200] + [409] * 29
    assert OpinionEvent.objects.filter(opinion=opinion, action="reply").count() == 1


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_route_against_verify_in_parallel_gives_200_and_409_only(opinion, street_staff, town_staff, bodies):
    staff = [street_staff, town_staff] * 8
    calls = [("route", {"level": "street"}), ("verify", {})] * 8
    clients = [_client_for(user) for user in staff]

    codes = _in_threads(
        len(staff),
        lambda i: post_json(clients[i], f"{URL}{opinion.pk}/{calls[i][0]}/", calls[i][1]).status_code,
    )

    assert 500 not in codes and 403 not in codes, codes
    assert codes.count(200) >= 1
    assert set(codes) <= {200, 404, 409}


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_ten_identical_submissions_at_once_with_one_key_store_one_opinion(yueyang_community, deputy):
    key = str(uuid.uuid4())
    clients = [_client_for(None) for _ in range(10)]

    responses = _in_threads(
        10,
        lambda i: post_json(clients[i], URL, _submission(yueyang_community), **{"Idempotency-Key": key}),
    )

    assert [r.status_code for r in responses] == [201] * 10
    assert len({r.json()["tracking_code"] for r in responses}) == 1
    assert Opinion.objects.count() == 1


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_ten_identical_submissions_at_once_without_a_key_link_to_one_original(yueyang_community, deputy):
    clients = [_client_for(None) for _ in range(10)]
    data = _submission(yueyang_community, submitter_phone="13812345678")

    codes = _in_threads(10, lambda i: post_json(clients[i], URL, data).status_code)

    assert codes == [201] * 10
    assert Opinion.objects.count() == 10
    assert Opinion.objects.filter(duplicate_of__isnull=True).count() == 1


# --- The same on the pages ------------------------------------------------------------------------


def test_on_the_page_a_unit_replying_twice_gets_409_not_403(
    login, opinion, admin_user, handling_unit, handling_unit_staff, other_unit, bodies
):
    opinion = _assigned_to(opinion, admin_user, handling_unit, other_unit)
    client = login(handling_unit_staff)
    url = f"/opinions/{opinion.pk}/act/reply/"
    form = {"reply-outcome": "solved", "reply-text": "已修复路灯。", "reply-expected_state": opinion.state}
    first = client.post(url, form)
    assert first.status_code == 302, first.content.decode()[:500]

    again = client.post(url, form)

    assert again.status_code == 409
    assert OpinionEvent.objects.filter(opinion=opinion, action="reply").count() == 1


def test_on_the_page_a_loser_who_can_no_longer_see_the_opinion_gets_409(
    login, opinion, street_staff, monkeypatch, bodies
):
    from feedback import views

    real_opinion_for = views.selectors.opinion_for
    calls = {"n": 0}

    def opinion_for(user, pk):
        calls["n"] += 1
        return real_opinion_for(user, pk) if calls["n"] == 1 else None

    def lost(**kwargs):
        raise workflow.ActionConflict("其他人刚刚处理了这条意见，请刷新后再试。")

    monkeypatch.setattr(views.selectors, "opinion_for", opinion_for)
    monkeypatch.setattr(views.workflow, "apply_action", lost)

    response = login(street_staff).post(
        f"/opinions/{opinion.pk}/act/route/", {"route-level": "street", "route-expected_state": opinion.state}
    )

    assert response.status_code == 409
