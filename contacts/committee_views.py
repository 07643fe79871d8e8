"""The Standing Committee's own contacts with deputies (§三(三)): a member's yearly record, the form
to record a contact, and the members' page of the compliance report. Writes are in
`contacts/record_services.py` (`record_committee_contact`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from deputies import permissions as access
from songjiang_liaison.forms import apply_errors

from . import selectors, services
from .forms import CommitteeContactForm, YearForm
from .record_services import committee_seats_of
from .view_helpers import _render


def _year(request) -> int:
    return YearForm(request.GET).year_or_current()


@login_required
def committee_contacts(request):
    """A member's year: their fixed-contact deputies, how often each was contacted, the contacts."""
    if not access.may_record_committee_contacts(request.user):
        raise PermissionDenied
    seats = list(committee_seats_of(request.user))
    if not seats:
        raise Http404
    year = _year(request)
    from deputies.models import CommitteeMember

    rows = selectors.committee_member_rows(
        year, members=CommitteeMember.objects.filter(pk__in=[s.pk for s in seats])
    )
    return _render(
        request,
        "contacts/committee.html",
        {
            "year": year,
            "years": list(range(timezone.localdate().year, timezone.localdate().year - 6, -1)),
            "rows": rows,
            "contacts": list(selectors.committee_contacts_of_seats(seats, year)),
        },
        section="committee",
    )


@login_required
def committee_contact_create(request):
    if not access.may_record_committee_contacts(request.user):
        raise PermissionDenied
    seats = list(committee_seats_of(request.user))
    if not seats:
        raise Http404
    form = CommitteeContactForm(request.POST or None, seats=seats)
    if request.method == "POST" and form.is_valid():
        try:
            contact = services.record_committee_contact(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("联系代表的情况已登记。"))
            return redirect(f"{reverse('contacts:committee')}?year={contact.date.year}")
    return _render(
        request,
        "contacts/simple_form.html",
        {
            "form": form,
            "title": _("登记联系代表情况"),
            "intro": _(
                "常委会组成人员联系代表（§三(三)）：座谈、约见、走访，或邀请代表参加监督、重大事项决定、调研等工作，听取代表的意见建议。"
            ),
        },
        section="committee",
    )


@login_required
def committee_report(request):
    """The compliance report's page for members (§三(三)): each Standing Committee member, their
    3–5 deputies, and the contacts of the year."""
    if not access.may_view_member_report(request.user):
        raise PermissionDenied
    year = _year(request)
    rows = selectors.committee_member_rows(year)
    return render(
        request,
        "reports/committee_members.html",
        {
            "year": year,
            "years": list(range(timezone.localdate().year, timezone.localdate().year - 6, -1)),
            "rows": rows,
            "without_any": sum(1 for r in rows if not r["contacts"]),
        },
    )
