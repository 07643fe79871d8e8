"""The contacts demo data: idempotent, with compliant and behind deputies."""

import datetime
import io

from contacts import demo
from contacts.models import ContactActivity, MeetingRequest, Participation, VoterReport
from contacts.quotas import progress_for_year
from deputies import demo as registry_demo

TODAY = datetime.date(2026, 11, 28)


def test_the_demo_is_idempotent_and_shows_compliant_and_behind_deputies(db):
    registry_demo.seed(today=TODAY, stdout=io.StringIO(), create_accounts=True)

    first = demo.seed(today=TODAY, stdout=io.StringIO())
    counts = (ContactActivity.objects.count(), Participation.objects.count(), VoterReport.objects.count())
    second = demo.seed(today=TODAY, stdout=io.StringIO())

    assert sum(first.values()) > 0
    assert sum(second.values()) == 0
    assert (
        ContactActivity.objects.count(),
        Participation.objects.count(),
        VoterReport.objects.count(),
    ) == counts
    # Only plans lie ahead: public, never counted; one is a town group's with a district deputy (§三(五)).
    assert not ContactActivity.objects.filter(date__gt=TODAY, planned=False).exists()
    plans = ContactActivity.objects.filter(planned=True)
    assert plans.exists() and not plans.filter(date__lte=TODAY).exists()
    assert not plans.filter(is_public=False).exists()
    assert plans.filter(
        group__congress__level="town", participations__deputy__congress__level="district"
    ).exists()
    assert set(MeetingRequest.objects.values_list("state", flat=True)) == {
        "requested",
        "arranged",
        "declined",
    }

    rows = progress_for_year(2026, as_of=TODAY)
    demo_deputy = next(r for r in rows if r.name == _demo_deputy_name())
    assert demo_deputy.behind_pace is True
    # Opinions come from the feedback demo; the activity measures are this app's.
    activities_met = [
        r.constituency_contacts.met and r.centralized_contacts.met and r.people_reached.met for r in rows
    ]
    assert any(activities_met) and not all(activities_met)
    assert any(r.exempt for r in rows)

    # An upcoming training session with enrolled deputies: told a week before, once.
    from contacts.models import TrainingEnrolment
    from contacts.notices import send_training_notices

    enrolled = TrainingEnrolment.objects.filter(session__date=TODAY + datetime.timedelta(days=7)).count()
    week = send_training_notices(as_of=TODAY)
    assert enrolled > 0 and week.in_app + week.texts + week.unreachable == enrolled
    again = send_training_notices(as_of=TODAY)
    assert again.in_app + again.texts + again.unreachable == 0


def _demo_deputy_name():
    from accounts.models import User

    return User.objects.get(username="demo-deputy").person.name
