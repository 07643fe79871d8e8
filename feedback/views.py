"""Opinion pages: the public form, deputies' QR codes, public tracking, work queues and the opinion
detail with one form per allowed action. Views parse input, call one service or selector, render;
the rules live in `services`, `abuse`, `workflow`, `selectors`, `privacy` and `deadlines`."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Role
from deputies import permissions as access
from deputies.models import Deputy, Region
from songjiang_liaison.forms import apply_errors

from . import (
    abuse,
    activities,
    archive,
    deadlines,
    intake,
    notifications,
    permissions,
    privacy,
    qrcodes,
    races,
    selectors,
    services,
    workflow,
)
from . import forms as f
from .action_forms import ActionForm
from .models import Channel, Rating

QUEUE_PAGE_SIZE = 20
RECENT_ACTIVITY_DAYS = 180
LOST_SIGHT = gettext_lazy("这条意见刚刚已被他人处理并转出，您的操作未生效。")
CONFLICT_MESSAGE = gettext_lazy(
    "该意见已被他人处理，当前状态为“%(state)s”。您的操作未生效，请查看最新情况后再操作。"
)


# --- helpers ----------------------------------------------------------------------------------------


def _public_deputies():
    return Deputy.objects.serving().select_related("person", "congress", "constituency__region")


def _int_or_none(raw):
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


# --- the public form ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def submit(request):
    """The public opinion form, optionally addressed to one deputy (`?deputy=`) or a street or town
    (`?region=`). A rate-limited or invalid submission re-renders the form with everything typed."""
    deputies = _public_deputies()
    initial = {}
    deputy = None
    deputy_id = _int_or_none(request.GET.get("deputy") or request.POST.get("deputy"))
    if deputy_id:
        deputy = deputies.filter(pk=deputy_id).first()
        if deputy is not None:
            initial["deputy"] = deputy.pk
            if deputy.constituency_id:
                initial["street"] = deputy.constituency.region_id
    region_id = _int_or_none(request.GET.get("region"))
    if region_id:
        region = Region.objects.filter(pk=region_id).first()
        place = region.street_or_town() if region else None
        if place is not None:
            initial["street"] = place.pk
            if region.pk != place.pk:
                initial["committee"] = region.pk

    status = 200
    if request.method == "POST":
        form = f.OpinionForm(request.POST, request.FILES, deputy_queryset=deputies)
        if form.is_valid():
            # One intake with the API (`intake.take_in`): a page sent twice gives the first opinion;
            # only a complete submission uses up the budget, so a citizen still correcting the form
            # is not told they submitted too often.
            try:
                opinion = form.save(intake.Sender.public(request))
            except abuse.RateLimited:
                return _rate_limited_form(request, form, deputy)
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                return redirect("feedback:submitted", code=opinion.tracking_code)
        status = 400
    else:
        form = f.OpinionForm(initial=initial, deputy_queryset=deputies)
    return render(
        request,
        "feedback/submit.html",
        {"form": form, "deputy": deputy, "consent_statement": f.CONSENT_STATEMENT},
        status=status,
    )


def _rate_limited_form(request, form, deputy):
    """The form again with everything typed and a "too often, try later" notice (HTTP 429)."""
    return render(
        request,
        "feedback/submit.html",
        {"form": form, "deputy": deputy, "rate_limited": True, "consent_statement": f.CONSENT_STATEMENT},
        status=429,
    )


@require_GET
def committee_options(request):
    """The residents' and village committees of one street or town (htmx: refreshes the select)."""
    street_id = _int_or_none(request.GET.get("street"))
    committees = (
        Region.objects.committees().filter(parent_id=street_id).order_by("name")
        if street_id
        else Region.objects.none()
    )
    return render(request, "feedback/_committee_options.html", {"committees": committees})


@require_GET
def submitted(request, code):
    """The confirmation page: the tracking code, prominently, and the tracking address."""
    opinion = selectors.opinion_for_tracking(code)
    if opinion is None:
        raise Http404
    track_url = request.build_absolute_uri(reverse("track_short", args=[opinion.tracking_code]))
    context = {
        "opinion": opinion,
        "track_url": track_url,
        "gave_phone": bool(opinion.submitter_phone),
        "will_text": notifications.submitter_will_be_texted(opinion),
    }
    return render(request, "feedback/submitted.html", context)


# --- recording by deputies and staff ----------------------------------------------------------------


def _activity_queryset(user):
    """Recent contact activities the user may see, to link an opinion taken in at one of them (None
    without an activities app)."""
    visible = activities.visible_to(user)
    if visible is None:
        return None
    since = timezone.localdate() - datetime.timedelta(days=RECENT_ACTIVITY_DAYS)
    return visible.filter(date__gte=since).order_by("-date", "-id")


@login_required
@require_http_methods(["GET", "POST"])
def record(request):
    """Deputies and liaison staff record opinions heard at activities, reception days, or received by
    mailbox, e-mail, letter or phone (R-OP-1)."""
    if not access.may_record_opinions(request.user):
        raise PermissionDenied
    deputies = intake.recordable_deputies(request.user)
    is_deputy = access.role_of(request.user) == Role.DEPUTY
    kwargs = {
        "deputy_queryset": deputies,
        "activity_queryset": _activity_queryset(request.user),
        # A deputy records in their own name, so the opinion lands in their own inbox.
        "deputy_required": is_deputy,
    }
    status = 200
    if request.method == "POST":
        form = f.RecordedOpinionForm(request.POST, request.FILES, **kwargs)
        if form.is_valid():
            try:
                opinion = form.save(intake.Sender.of(request))
            except abuse.RateLimited:
                context = {"form": form, "rate_limited": True, "consent_statement": f.CONSENT_STATEMENT}
                return render(request, "feedback/record.html", context, status=429)
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(
                    request,
                    _("意见已登记，查询码：%(code)s") % {"code": opinion.tracking_code},
                )
                if selectors.opinion_for(request.user, opinion.pk) is not None:
                    return redirect("feedback:detail", pk=opinion.pk)
                # Recorded for a place outside the recorder's own area: it went to that body.
                return redirect("feedback:record")
        status = 400
    else:
        initial = {}
        activity_id = _int_or_none(request.GET.get("activity"))
        if activity_id:
            initial["activity"] = activity_id
            initial["channel"] = Channel.ACTIVITY
        own = list(deputies[:2]) if is_deputy else []
        if len(own) == 1:
            initial["deputy"] = own[0].pk
            if own[0].constituency_id:
                initial["street"] = own[0].constituency.region_id
        form = f.RecordedOpinionForm(initial=initial, **kwargs)
    return render(
        request,
        "feedback/record.html",
        {"form": form, "consent_statement": f.CONSENT_STATEMENT},
        status=status,
    )


# --- deputies' QR codes ("码上见代表") ----------------------------------------------------------------


def _qr_deputy(pk):
    return get_object_or_404(_public_deputies(), pk=pk)


@require_GET
def deputy_qr_svg(request, pk):
    deputy = _qr_deputy(pk)
    svg = qrcodes.qr_svg(qrcodes.deputy_form_url(request, deputy.pk))
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_GET
def deputy_qr_png(request, pk):
    deputy = _qr_deputy(pk)
    response = HttpResponse(
        qrcodes.qr_png(qrcodes.deputy_form_url(request, deputy.pk)), content_type="image/png"
    )
    response["Cache-Control"] = "public, max-age=86400"
    response["Content-Disposition"] = f'inline; filename="deputy-{deputy.pk}-qr.png"'
    return response


@require_GET
def deputy_qr_page(request, pk):
    """A printable card: the deputy's name and photo, the QR code and how to use it."""
    deputy = _qr_deputy(pk)
    return render(
        request,
        "feedback/deputy_qr.html",
        {"deputy": deputy, "form_url": qrcodes.deputy_form_url(request, deputy.pk)},
    )


# --- public tracking -----------------------------------------------------------------------------------


ARCHIVE_PAGE_SIZE = 20


@require_GET
def archive_list(request):
    """The public archive: opinions whose submitters agreed to publication and whose texts the staff
    approved (`feedback.archive`), searchable and filtered, 20 a page, a fixed number of queries."""
    form = f.ArchiveFilterForm(request.GET or None)
    page = Paginator(form.filter(archive.published()), ARCHIVE_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "feedback/archive.html",
        {"form": form, "page": page, "query_string": query.urlencode()},
    )


@require_GET
def archive_detail(request, pk):
    """One published opinion with its public steps and answer; anything unpublished is a 404."""
    opinion = archive.published_opinion(pk)
    if opinion is None:
        raise Http404
    return render(
        request, "feedback/archive_detail.html", {"opinion": opinion, "steps": archive.steps(opinion)}
    )


@require_GET
def track_lookup(request):
    form = f.TrackLookupForm(request.GET or None)
    if form.is_bound and form.is_valid():
        code = form.cleaned_data["code"]
        if selectors.opinion_for_tracking(code) is not None:
            return redirect("feedback:track", code=code)
        form.add_error("code", _("没有找到该查询码对应的意见，请检查后重新输入。"))
    return render(request, "feedback/track_lookup.html", {"form": form}, status=404 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def track(request, code):
    """The public view of one opinion: state in plain words, public timeline, final reply, rating.
    Never the submitter's name, phone or address. A refused rating re-renders the page with the
    rating chosen and the comment typed, so the citizen need not write it again."""
    opinion = selectors.opinion_for_tracking(code)
    if opinion is None:
        raise Http404
    status = 200
    rating_error = ""
    rating = request.POST.get("rating", "")
    comment = request.POST.get("comment", "")
    if request.method == "POST":
        try:
            abuse.check_rate_limit(abuse.client_ip(request), scope="opinion_rate")
            services.rate_opinion(opinion=opinion, rating=rating, comment=comment)
        except abuse.RateLimited:
            rating_error, status = _("操作过于频繁，请稍后再试。"), 429
        except workflow.ActionConflict:
            rating_error, status = _("该意见的状态已经变化，暂时不能评价。"), 409
        except ValidationError as exc:
            rating_error, status = " ".join(exc.messages), 400
        else:
            messages.success(request, _("感谢您的评价。"))
            return redirect("feedback:track", code=opinion.tracking_code)
        opinion = selectors.opinion_for_tracking(code)
    timeline = selectors.public_timeline(opinion)
    from .suggestions.selectors import source_suggestions_of

    return render(
        request,
        "feedback/track.html",
        {
            "opinion": opinion,
            "timeline": timeline,
            "suggestions": source_suggestions_of(opinion),
            "can_rate": services.can_rate(opinion),
            "rating_choices": Rating.choices,
            "rating_error": rating_error,
            "chosen_rating": rating if rating in Rating.values else "",
            "rating_comment": comment,
        },
        status=status,
    )


# --- work queues and the opinion detail ------------------------------------------------------------------


def _require_queue_user(user):
    if not access.may_use_opinion_queue(user):
        raise PermissionDenied


@login_required
@require_GET
def queue(request):
    """A deputy's inbox, a liaison body's queue or a handling unit's queue (whichever the user has)."""
    _require_queue_user(request.user)
    form = f.QueueFilterForm(request.GET or None, regions=_queue_regions(request.user))
    opinions = selectors.queue_for(request.user, **form.filters(), sort=form.ordering)
    if form.open_only:
        opinions = opinions.open()
    page = Paginator(opinions, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [(opinion, deadlines.deadline_status(opinion, now)) for opinion in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "feedback/queue.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "query_string": query.urlencode(),
            "can_record": access.may_record_opinions(request.user),
        },
    )


def _queue_regions(user):
    """A street or town body filters by its own committees; everyone else by street and town."""
    if access.jurisdiction_region(user) is not None:
        return access.regions_in_jurisdiction(user).order_by("kind", "name")
    return None


def _visible_opinion(user, pk):
    """Another deputy's or another office's opinion is answered like a missing one: 404."""
    opinion = selectors.opinion_for(user, pk)
    if opinion is None:
        raise Http404
    return opinion


def _detail_context(request, opinion, *, action_forms=None, show_contact=False):
    user = request.user
    allowed = workflow.allowed_actions(opinion, user)
    forms_by_action = {action: ActionForm(action=action, opinion=opinion, user=user) for action in allowed}
    if action_forms:
        forms_by_action.update(action_forms)
    can_see_contact = permissions.may_see_contact(user, opinion)
    publication_form = None
    if opinion.publish and not opinion.confidential and archive.may_review(user, opinion):
        publication_form = f.PublicationForm(initial=archive.suggested_texts(opinion))
    return {
        "publication_form": publication_form,
        "opinion": opinion,
        "timeline": selectors.timeline(opinion),
        "action_forms": [(action, f.action_label(action), forms_by_action[action]) for action in allowed],
        "deadline": deadlines.deadline_status(opinion, timezone.now()),
        "can_see_contact": can_see_contact,
        "show_contact": show_contact and can_see_contact,
        "masked_phone": privacy.mask_phone(opinion.submitter_phone),
        "photos": opinion.photos.all(),
    }


@login_required
@require_GET
def detail(request, pk):
    """One opinion for those allowed to see it: full timeline, contact details masked, actions."""
    opinion = _visible_opinion(request.user, pk)
    return render(request, "feedback/detail.html", _detail_context(request, opinion))


@login_required
@require_POST
def show_contact(request, pk):
    """Reveal the submitter's contact details to those allowed; every reveal is recorded (PIPL)."""
    opinion = _visible_opinion(request.user, pk)
    if not permissions.may_see_contact(request.user, opinion):
        raise PermissionDenied
    privacy.record_contact_view(request.user, opinion)
    if _is_htmx(request):
        return render(
            request,
            "feedback/_contact.html",
            {"opinion": opinion, "show_contact": True, "can_see_contact": True},
        )
    return render(request, "feedback/detail.html", _detail_context(request, opinion, show_contact=True))


@login_required
@require_POST
def act(request, pk, action):
    """Apply one workflow action. Refused → 403; lost race → 409 with a message, nothing changed;
    invalid data → the detail page again with the form's errors.

    The checks run in the workflow's own order (who, then state, then data), so a refused user
    learns nothing from validation messages and a stale page is a conflict, not a data error."""
    opinion = _visible_opinion(request.user, pk)
    if action not in workflow.STAFF_ACTIONS:
        raise Http404
    if not workflow.TRANSITIONS[action].who(workflow.actor_for(request.user), opinion):
        if races.lost_race(request.user, opinion, action):
            return _conflict(request, opinion)
        raise PermissionDenied
    form = ActionForm(request.POST, action=action, opinion=opinion, user=request.user)
    expected = request.POST.get(form.add_prefix("expected_state")) or opinion.state
    if expected != opinion.state or not workflow.may_act(opinion, request.user, action):
        return _conflict(request, opinion)
    if form.is_valid():
        try:
            workflow.apply_action(
                opinion=opinion,
                action=action,
                actor=request.user,
                data=form.workflow_data(),
                expected_state=expected,
            )
        except workflow.ActionNotAllowed as exc:
            if races.lost_race(request.user, opinion, action):
                return _conflict(request, opinion)
            raise PermissionDenied from exc
        except workflow.ActionConflict:
            return _conflict(request, selectors.opinion_for(request.user, pk))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("操作成功：%(action)s") % {"action": f.action_label(action)})
            return redirect("feedback:detail", pk=opinion.pk)
    context = _detail_context(request, opinion, action_forms={action: form})
    context["open_action"] = action
    # On a phone the action forms sit far below the top of the page, where the browser lands: an
    # error summary up there names the refused action and links to its fields (and is focused).
    context["invalid_action"] = {"form": form, "label": f.action_label(action), "anchor": f"action-{action}"}
    return render(request, "feedback/detail.html", context, status=400)


@login_required
@require_POST
def publication(request, pk):
    """The staff's decision on publishing an opinion its submitter agreed to publish: approve the
    public texts (checked for private details) or withhold it with a reason."""
    opinion = _visible_opinion(request.user, pk)
    if not archive.may_review(request.user, opinion):
        raise PermissionDenied
    form = f.PublicationForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == form.APPROVE:
                archive.approve(
                    opinion=opinion,
                    user=request.user,
                    public_content=data["public_content"],
                    public_answer=data["public_answer"],
                )
                messages.success(request, _("已审核通过，该意见已在“意见公开”栏目发布。"))
            else:
                archive.withhold(opinion=opinion, user=request.user, reason=data["withheld_reason"])
                messages.success(request, _("已决定不予公开。"))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("feedback:detail", pk=opinion.pk)
    context = _detail_context(request, opinion)
    context["publication_form"] = form
    return render(request, "feedback/detail.html", context, status=400)


def _conflict(request, opinion):
    """409: the detail page with the news, or — when the winner sent the opinion where this user
    cannot follow — a short page saying so."""
    if opinion is None:
        context = {"message": LOST_SIGHT}
        return render(request, "errors/409.html", context, status=409)
    context = _detail_context(request, opinion)
    context["conflict"] = CONFLICT_MESSAGE % {"state": opinion.get_state_display()}
    return render(request, "feedback/detail.html", context, status=409)
