"""Notices deputies expect: their reception duty the day before, a training session they are enrolled
in a week and a day before, their meeting request arranged or moved. In-app for a deputy with an
account, SMS to the mobile on file for the others (here through `FileSmsBackend`), each exactly once."""

import datetime
import json

import pytest

from accounts.models import Notification, NotificationKind
from contacts import services
from contacts.models import TrainingEnrolment, TrainingPlan, TrainingSession
from contacts.tasks import send_duty_notices, send_training_notices
from deputies.models import ReachChannel, ReceptionDuty
from tests import factories as f

pytestmark = pytest.mark.django_db
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


@pytest.fixture
def sms_file(settings, tmp_path):
    settings.SMS_BACKEND = "accounts.sms.FileSmsBackend"
    settings.SMS_FILE_PATH = str(tmp_path / "sms.jsonl")
    settings.PUBLIC_BASE_URL = "https://rd.songjiang.example"

    def lines():
        path = tmp_path / "sms.jsonl"
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]

    return lines


@pytest.fixture
def erin(world):
    erin = world["erin"]
    erin.private_phone = "139-1600-0005"
    erin.save()
    return erin


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def run_(task, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return task(**kwargs)

    return run_


def notices(deputy, kind):
    return list(Notification.objects.filter(recipient=deputy.person.user, kind=kind).order_by("pk"))


def test_reception_duty_is_notified_the_day_before_once_by_the_right_channel(world, erin, sms_file, run):
    alice, bob, dan = world["alice"], world["bob"], world["dan"]
    station = f.ContactPointFactory(
        name="岳阳街道代表联络站", address="松江区岳阳路1号", region=alice.constituency.region
    )
    tomorrow = datetime.date(2026, 5, 12)
    ReceptionDuty.objects.create(
        contact_point=station,
        deputy=alice,
        date=tomorrow,
        start_time=datetime.time(9),
        end_time=datetime.time(11),
    )
    ReceptionDuty.objects.create(contact_point=station, deputy=erin, date=tomorrow)
    ReceptionDuty.objects.create(
        contact_point=station, deputy=bob, date=tomorrow + datetime.timedelta(days=1)
    )
    ReceptionDuty.objects.create(contact_point=station, deputy=dan, date=tomorrow)  # mandate ended

    first = run(send_duty_notices, as_of="2026-05-11")
    second = run(send_duty_notices, as_of="2026-05-11")

    assert first == {"messages": 1, "texts": 1, "unreachable": 0}
    assert second == {"messages": 0, "texts": 0, "unreachable": 0}
    [message] = notices(alice, NotificationKind.RECEPTION_DUTY)
    assert "岳阳街道代表联络站" in message.body and "09:00–11:00" in message.body
    [text] = sms_file()
    assert text["phone"] == "13916000005"
    assert text["text"].startswith("艾琳代表：您2026年5月12日") and "岳阳街道代表联络站" in text["text"]
    assert not erin.reaches.exclude(sent_at=None).filter(channel=ReachChannel.IN_APP).exists()
    assert erin.reaches.get().sent_at is not None
    assert not bob.reaches.exists() and not dan.reaches.exists()
    assert not Notification.objects.filter(recipient=dan.person.user).exists()


def test_a_deputy_with_neither_an_account_nor_a_mobile_is_recorded_as_not_reachable(world, sms_file, run):
    erin = world["erin"]
    erin.private_phone = ""
    erin.save()
    station = f.ContactPointFactory(region=erin.constituency.region)
    ReceptionDuty.objects.create(contact_point=station, deputy=erin, date=datetime.date(2026, 5, 12))

    assert run(send_duty_notices, as_of="2026-05-11")["unreachable"] == 1
    assert erin.reaches.get().channel == ReachChannel.UNREACHABLE
    assert sms_file() == []


@pytest.fixture
def session(world):
    plan = TrainingPlan.objects.create(
        congress=world["alice"].congress, year=2026, title="2026年代表履职培训"
    )
    session = TrainingSession.objects.create(
        plan=plan, title="预算审查监督", date=datetime.date(2026, 5, 18), place="区人大会议室"
    )
    return session


def test_training_is_notified_a_week_and_a_day_before_once_each(world, erin, session, sms_file, run):
    alice, bob = world["alice"], world["bob"]
    TrainingEnrolment.objects.create(session=session, deputy=alice)
    TrainingEnrolment.objects.create(session=session, deputy=erin)

    week = [run(send_training_notices, as_of="2026-05-11") for _ in range(2)]
    between = run(send_training_notices, as_of="2026-05-12")
    day = [run(send_training_notices, as_of="2026-05-17") for _ in range(2)]

    assert [r["messages"] for r in week + [between] + day] == [1, 0, 0, 1, 0]
    assert [r["texts"] for r in week + [between] + day] == [1, 0, 0, 1, 0]
    messages = notices(alice, NotificationKind.TRAINING)
    assert len(messages) == 2 and all("预算审查监督" in m.title for m in messages)
    texts = sms_file()
    assert [t["phone"] for t in texts] == ["13916000005", "13916000005"]
    assert "预算审查监督" in texts[0]["text"] and "2026年5月18日" in texts[0]["text"]
    assert not Notification.objects.filter(recipient=bob.person.user, kind=NotificationKind.TRAINING).exists()


def test_a_training_session_moved_to_another_day_is_notified_again(world, session, sms_file, run):
    alice = world["alice"]
    TrainingEnrolment.objects.create(session=session, deputy=alice)
    run(send_training_notices, as_of="2026-05-11")
    session.date = datetime.date(2026, 5, 25)
    session.save()

    assert run(send_training_notices, as_of="2026-05-18")["messages"] == 1
    assert len(notices(alice, NotificationKind.TRAINING)) == 2


def test_a_meeting_arranged_then_moved_is_notified_once_each_by_the_right_channel(
    world, erin, street_staff, sms_file, django_capture_on_commit_callbacks
):
    alice = world["alice"]
    requests = {
        deputy.pk: services.request_meeting(
            actor=street_staff, deputy=deputy, subject="加装电梯进度", organ_name="区住建委"
        )
        for deputy in (alice, erin)
    }

    def arrange(hour):
        for request in requests.values():
            with django_capture_on_commit_callbacks(execute=True):
                services.arrange_meeting(
                    actor=street_staff,
                    request=request,
                    scheduled_at=datetime.datetime(2026, 6, 20, hour, 30, tzinfo=SHANGHAI),
                    place="区住建委会议室",
                )

    arrange(9)
    arrange(9)  # saved again unchanged: nothing new
    arrange(14)  # moved

    texts = sms_file()
    assert [t["phone"] for t in texts] == ["13916000005", "13916000005"]
    assert texts[0]["text"].startswith("艾琳代表：您约见区住建委负责人已安排在2026年6月20日")
    assert "改为" in texts[1]["text"] and "14:30" in texts[1]["text"]
    messages = notices(alice, NotificationKind.MEETING_REQUEST)
    assert len(messages) == 2
    assert messages[1].title == "您的约见时间已变更"
    assert "14:30" in messages[1].body
    assert list(erin.reaches.order_by("pk").values_list("kind", "channel")) == [
        ("meeting_arranged", ReachChannel.SMS),
        ("meeting_moved", ReachChannel.SMS),
    ]


def test_the_notice_schedules_are_installed():
    from django_celery_beat.models import PeriodicTask

    from accounts.schedules import install_default_schedules

    install_default_schedules()
    tasks = set(PeriodicTask.objects.values_list("task", flat=True))
    assert {"contacts.tasks.send_duty_notices", "contacts.tasks.send_training_notices"} <= tasks


def test_administrators_enrol_deputies_in_a_session_in_the_admin(world, session, admin_user, login):
    from django.urls import reverse

    client = login(admin_user)
    page = client.get(reverse("admin:contacts_trainingsession_change", args=[session.pk]))
    assert page.status_code == 200
    assert "培训报名" in page.content.decode()
    assert client.get(reverse("admin:contacts_trainingsession_changelist")).status_code == 200
