"""Report pages: the yearly compliance report with its exports, and background export status."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from contacts import quotas
from deputies import permissions as access
from songjiang_liaison.forms import apply_errors
from songjiang_liaison.replica import reads_from_replica

from . import exports, forms, handling, public, selectors, services
from .forms import parse_filters, parse_year
from .models import Article, ComplianceSnapshot, Export, ExportState
from .selectors import MEASURES, ComplianceReport, ReportFilters

YEARS_SHOWN = 5


def bad_request(request, message: str, *, back_url: str, back_label: str) -> HttpResponse:
    """The styled 400 page: what was wrong with the request, and a way back."""
    context = {"message": message, "back_url": back_url, "back_label": back_label}
    return render(request, "errors/400.html", context, status=400)


def bad_year(request, *, back_url: str | None = None) -> HttpResponse:
    """A year the reports do not cover: the page says which years they do
    (``quotas.years_accepted``) and links to the current year."""
    return bad_request(
        request, quotas.year_refused_message(), back_url=back_url or request.path, back_label=_("查看本年度")
    )


def file_response(report: ComplianceReport, fmt: str) -> HttpResponse:
    """The report as a download: CSV streamed line by line, XLSX and JSON in one piece."""
    name = exports.filename(report, fmt)
    if fmt == "csv":
        response = StreamingHttpResponse(exports.csv_lines(report), content_type=exports.CONTENT_TYPES["csv"])
    else:
        response = HttpResponse(exports.render(report, fmt), content_type=exports.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _require_reader(user) -> None:
    if not access.may_view_compliance(user):
        raise PermissionDenied(_("您没有查看履职报表的权限。"))


def _sort_links(filters, year: int) -> dict[str, str]:
    """For each sortable column, the query string that sorts by it (again: reversed)."""
    base = {"year": year, **filters.as_query()}
    links = {}
    for key in selectors.SORT_FIELDS:
        sort = f"-{key}" if filters.sort == key else key
        links[key] = "?" + urlencode({**base, "sort": sort})
    return links


def _chart_data(report: ComplianceReport) -> dict:
    measure_labels = {
        "constituency_contacts": _("进选区联系"),
        "centralized_contacts": _("集中联系选区"),
        "people_reached": _("联系群众人次"),
        "opinions_reflected": _("反映社情民意"),
    }
    regions = report.subtotals["region"]
    return {
        "regions": {
            "labels": [str(s.label) for s in regions],
            "compliant": [s.compliant for s in regions],
            "not_compliant": [s.not_compliant for s in regions],
            "labels_compliant": _("达标"),
            "labels_not_compliant": _("未达标"),
        },
        "measures": {
            "labels": [str(measure_labels[m]) for m in MEASURES],
            "buckets": [
                {"key": key, "label": label, "data": [report.distribution(m)[key] for m in MEASURES]}
                for key, label in (
                    ("zero", _("未开展")),
                    ("under_half", _("不足一半")),
                    ("over_half", _("过半未达标")),
                    ("met", _("已达标")),
                )
            ],
        },
    }


@login_required
def compliance(request):
    """GET reports/compliance/?year=YYYY[&level=&region=&group=&compliant=&sort=][&format=csv|xlsx|json]"""
    user = request.user
    _require_reader(user)
    try:
        year = parse_year(request.GET.get("year"))
    except ValidationError:
        return bad_year(request)
    regions = list(selectors.regions_for_filter(user))
    groups = list(selectors.groups_for_filter(user, year))
    try:
        filters = parse_filters(request.GET, user=user, year=year, regions=regions, groups=groups)
    except ValidationError as exc:
        return bad_request(request, " ".join(exc.messages), back_url=request.path, back_label=_("返回报表"))
    report = selectors.compliance_report(user=user, year=year, filters=filters)
    fmt = request.GET.get("format")
    if fmt in exports.FORMATS:
        return file_response(report, fmt)
    this_year = timezone.localdate().year
    query = {"year": year, **filters.as_query()}
    context = {
        "funds": selectors.funds_summary(user, year),
        "snapshot": ComplianceSnapshot.objects.filter(year=year).only("year", "created_at").first(),
        "report": report,
        "year": year,
        "years": list(range(this_year, this_year - YEARS_SHOWN, -1)),
        "filters": filters,
        "regions": regions,
        "groups": groups,
        "levels": selectors.level_choices(),
        "sort_links": _sort_links(filters, year),
        "export_query": urlencode(query),
        "chart_data": _chart_data(report),
        "groupings": selectors.GROUPINGS,
        "formats": exports.FORMATS,
    }
    return render(request, "reports/compliance.html", context)


@login_required
@require_POST
def export_create(request):
    """Queue a background export of the report with the current filters."""
    user = request.user
    _require_reader(user)
    back_url = reverse("reports:compliance")
    try:
        year = parse_year(request.POST.get("year"))
    except ValidationError:
        return bad_year(request, back_url=back_url)
    try:
        filters = parse_filters(request.POST, user=user, year=year)
    except ValidationError as exc:
        return bad_request(request, " ".join(exc.messages), back_url=back_url, back_label=_("返回报表"))
    fmt = request.POST.get("format")
    if fmt not in exports.FORMATS:
        return bad_request(request, _("导出格式无效。"), back_url=back_url, back_label=_("返回报表"))
    export = services.request_export(user=user, year=year, filters=filters, fmt=fmt)
    return redirect("reports:export_detail", pk=export.pk)


def _own_export(request, pk: int) -> Export:
    return get_object_or_404(Export, pk=pk, requested_by=request.user)


def _status_context(export: Export) -> dict:
    """The export and, when it failed (or its worker died), the fields that ask for it again."""
    retry = None
    if export.shows_as_failed:
        retry = {"year": export.year, "format": export.format, **ReportFilters(**export.params).as_query()}
    return {"export": export, "retry_fields": retry}


@login_required
def export_detail(request, pk: int):
    export = _own_export(request, pk)
    return render(request, "reports/export_detail.html", _status_context(export))


@login_required
def export_status(request, pk: int):
    """The progress fragment the export page polls with htmx until the file is ready."""
    export = _own_export(request, pk)
    return render(request, "reports/_export_status.html", _status_context(export))


@login_required
def export_download(request, pk: int):
    """The only way to an export file: they live in a private folder with no URL (models.ExportStorage),
    and only the person who asked for the export gets it (anyone else: 404)."""
    export = _own_export(request, pk)
    if (
        export.state != ExportState.DONE
        or not export.file
        or not export.file.storage.exists(export.file.name)
    ):
        raise Http404
    return FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=f"compliance-{export.year}.{export.format}",
        content_type=exports.CONTENT_TYPES[export.format],
    )


@login_required
def snapshot(request, year: int):
    """The report of a closed year as submitted, with the amendments made since beside it."""
    _require_reader(request.user)
    view = selectors.snapshot_for(request.user, year)
    if view is None:
        raise Http404
    return render(request, "reports/snapshot.html", {"year": year, "view": view, "measures": MEASURES})


def handling_file_response(stats, fmt: str) -> HttpResponse:
    name = f"handling-{stats.year}.{fmt}"
    if fmt == "csv":
        response = StreamingHttpResponse(
            exports.handling_csv_lines(stats), content_type=exports.CONTENT_TYPES["csv"]
        )
    elif fmt == "xlsx":
        response = HttpResponse(
            exports.handling_xlsx_bytes(stats), content_type=exports.CONTENT_TYPES["xlsx"]
        )
    else:
        response = HttpResponse(
            exports.handling_json_bytes(stats), content_type=exports.CONTENT_TYPES["json"]
        )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@reads_from_replica
def handling_report(request):
    """GET reports/handling/?year=YYYY[&format=csv|xlsx|json]: opinions' handling statistics (§四)."""
    if not access.may_view_handling(request.user):
        raise PermissionDenied(_("您没有查看办理统计的权限。"))
    try:
        year = parse_year(request.GET.get("year"))
    except ValidationError:
        return bad_year(request)
    stats = handling.handling_stats(user=request.user, year=year)
    fmt = request.GET.get("format")
    if fmt in exports.FORMATS:
        return handling_file_response(stats, fmt)
    this_year = timezone.localdate().year
    month = stats.breakdowns["month"]
    chart = {
        "months": {"labels": [str(label) for _k, label, _n in month], "data": [n for _k, _l, n in month]},
        "channels": {
            "labels": [str(label) for _k, label, _n in stats.breakdowns["channel"]],
            "data": [n for _k, _l, n in stats.breakdowns["channel"]],
        },
        "label": _("收到意见（件）"),
    }
    context = {
        "stats": stats,
        "year": year,
        "years": list(range(this_year, this_year - YEARS_SHOWN, -1)),
        "dimensions": handling.DIMENSIONS,
        "chart_data": chart,
    }
    return render(request, "reports/handling.html", context)


@reads_from_replica
def public_statistics(request):
    """GET reports/public/?year=YYYY: the district's figures for everyone (aggregates only)."""
    try:
        year = parse_year(request.GET.get("year"))
    except ValidationError:
        return bad_year(request)
    stats = public.public_stats(year)
    this_year = timezone.localdate().year
    chart = {
        "months": [handling.month_label(m) for m in range(1, 13)],
        "activities_by_month": stats.activities_by_month,
        "regions": [name for name, _n, _p in stats.activities_by_region],
        "activities_by_region": [n for _name, n, _p in stats.activities_by_region],
        "label_activities": _("联系活动（次）"),
    }
    context = {
        "stats": stats,
        "year": year,
        "years": list(range(this_year, this_year - YEARS_SHOWN, -1)),
        "chart_data": chart,
    }
    return render(request, "reports/public.html", context)


# --- Work funds ------------------------------------------------------------------------------------


@login_required
def funds(request):
    """GET/POST reports/funds/?year=: a liaison body's yearly plan and spending (§五(七))."""
    user = request.user
    if not access.may_view_funds(user):
        raise PermissionDenied(_("您没有查看工作经费的权限。"))
    try:
        year = parse_year(request.GET.get("year") or request.POST.get("year"))
    except ValidationError:
        return bad_year(request)
    own = selectors.own_liaison_body(user)
    plan_form = forms.FundPlanForm(prefix="plan")
    spending_form = forms.SpendingForm(prefix="spend")
    if request.method == "POST" and own is not None:
        if "plan-planned" in request.POST:
            plan_form = forms.FundPlanForm(request.POST, prefix="plan")
            if _save_fund_plan(request, plan_form, own, year):
                return redirect(f"{request.path}?year={year}")
        else:
            spending_form = forms.SpendingForm(request.POST, prefix="spend")
            if _record_spending(request, spending_form, own, year):
                return redirect(f"{request.path}?year={year}")
    this_year = timezone.localdate().year
    context = {
        "year": year,
        "years": list(range(this_year, this_year - YEARS_SHOWN, -1)),
        "lines": selectors.funds_summary(user, year),
        "own": own,
        "plan_form": plan_form,
        "spending_form": spending_form,
        "spendings": selectors.recent_spendings(own, year),
    }
    return render(request, "reports/funds.html", context)


def _save_fund_plan(request, form, own, year: int) -> bool:
    if not form.is_valid():
        return False
    try:
        services.set_fund_plan(actor=request.user, organization=own, year=year, **form.cleaned_data)
    except ValidationError as exc:
        apply_errors(form, exc)
        return False
    messages.success(request, _("年度经费计划已保存。"))
    return True


def _record_spending(request, form, own, year: int) -> bool:
    fund = selectors.work_fund(own, year)
    if fund is None:
        form.add_error(None, _("请先填写本年度经费计划。"))
        return False
    if not form.is_valid():
        return False
    try:
        services.record_spending(actor=request.user, fund=fund, **form.cleaned_data)
    except ValidationError as exc:
        apply_errors(form, exc)
        return False
    messages.success(request, _("支出已登记。"))
    return True


# --- Publicity articles ----------------------------------------------------------------------------


def article_list(request):
    """Published articles, for everyone; staff also see their drafts."""
    articles = Article.objects.published().prefetch_related("photos")[:50]
    drafts = (
        services.articles_editable_by(request.user).filter(status="draft").order_by("-created_at")[:50]
        if access.may_write_articles(request.user)
        else []
    )
    return render(
        request,
        "reports/article_list.html",
        {"articles": articles, "drafts": drafts, "can_write": access.may_write_articles(request.user)},
    )


def article_detail(request, pk: int):
    """A published article; a draft only for those who may edit it (else 404)."""
    visible = Article.objects.published() | services.articles_editable_by(request.user)
    article = get_object_or_404(
        visible.distinct().prefetch_related("photos", "deputies__person", "deputies__congress"), pk=pk
    )
    can_edit = services.articles_editable_by(request.user).filter(pk=pk).exists()
    return render(request, "reports/article_detail.html", {"article": article, "can_edit": can_edit})


def _article_form(request, article=None):
    deputies = access.deputies_in_jurisdiction(request.user).select_related("person", "congress")
    initial = None
    if article is not None:
        initial = {"title": article.title, "body": article.body, "deputies": list(article.deputies.all())}
    if request.method == "POST":
        return forms.ArticleForm(request.POST, request.FILES, deputies_queryset=deputies)
    return forms.ArticleForm(initial=initial, deputies_queryset=deputies)


@login_required
def article_edit(request, pk: int | None = None):
    if not access.may_write_articles(request.user):
        raise PermissionDenied(_("只有联络机构工作人员可以撰写宣传文章。"))
    article = get_object_or_404(services.articles_editable_by(request.user), pk=pk) if pk else None
    form = _article_form(request, article)
    if request.method == "POST" and form.is_valid():
        try:
            article = services.save_article(actor=request.user, article=article, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("文章已保存。"))
            return redirect("reports:article_detail", pk=article.pk)
    return render(request, "reports/article_form.html", {"form": form, "article": article})


@login_required
@require_POST
def article_publish(request, pk: int):
    article = get_object_or_404(services.articles_editable_by(request.user), pk=pk)
    services.publish_article(actor=request.user, article=article, publish=request.POST.get("publish") != "0")
    return redirect("reports:article_detail", pk=pk)
