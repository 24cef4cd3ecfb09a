"""The §573.7 pages: a campaign's report schedule, one quarter's report (page, CSV, PDF, NHTSA
line), submitting a report, and the NHTSA file of every submitted report. Thin: the figures
are ``reports.remedy_report``'s, the files ``reports.remedy_exports``'."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from campaign.errors import DomainError
from campaign.models import Campaign
from reports.remedy_exports import nhtsa_file, remedy_csv, remedy_pdf
from reports.remedy_periods import Quarter
from reports.remedy_report import SUBMIT, VIEW, remedy_report_get, remedy_report_submit, remedy_schedule_get

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "pdf": "application/pdf",
    "nhtsa": "text/tab-separated-values; charset=utf-8",
}


def _download(content: bytes, *, fmt: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=FORMATS[fmt])
    extension = "txt" if fmt == "nhtsa" else fmt
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{name}.{extension}"
    )
    return response


@login_required
@permission_required(VIEW, raise_exception=True)
def remedy_schedule(request: HttpRequest, code: str) -> HttpResponse:
    campaign = get_object_or_404(Campaign, code=code)
    lines = remedy_schedule_get(campaign=campaign)
    today = timezone.localdate()
    return render(
        request,
        "reports/remedy/schedule.html",
        {
            "campaign": campaign,
            "lines": lines,
            "current": Quarter.of(today),
            "may_submit": request.user.has_perm(SUBMIT),
            "campaigns": Campaign.objects.order_by("code"),
        },
    )


@login_required
@permission_required(VIEW, raise_exception=True)
def remedy_report(request: HttpRequest, code: str, quarter: str) -> HttpResponse:
    campaign = get_object_or_404(Campaign, code=code)
    try:
        parsed = Quarter.parse(quarter)
    except DomainError:
        raise Http404("No such quarter.") from None
    report = remedy_report_get(campaign=campaign, quarter=parsed, user=request.user)
    fmt = request.GET.get("format", "")
    name = f"{campaign.code.lower()}-remedy-report-{parsed}"
    context = {
        "campaign": campaign,
        "report": report,
        "figures": report.figures,
        "generated_at": timezone.now(),
    }
    if fmt == "csv":
        return _download(remedy_csv(report), fmt=fmt, name=name)
    if fmt == "pdf":
        return _download(remedy_pdf(report, context=context), fmt=fmt, name=name)
    if fmt == "nhtsa":
        if report.regional:
            raise DomainError(
                "The NHTSA file holds the national figures: the campaign administrator's.", code="forbidden"
            )
        return _download(nhtsa_file([report]), fmt=fmt, name=f"{name}-nhtsa")
    if fmt:
        raise DomainError("The report downloads as csv, pdf or nhtsa.", field="format")
    context["may_submit"] = request.user.has_perm(SUBMIT)
    context["previous"], context["next"] = parsed.plus(-1), parsed.plus(1)
    return render(request, "reports/remedy/report.html", context)


@require_POST
@login_required
@permission_required(SUBMIT, raise_exception=True)
def remedy_report_submit_view(request: HttpRequest, code: str, number: int) -> HttpResponse:
    campaign = get_object_or_404(Campaign, code=code)
    submission = remedy_report_submit(campaign_id=campaign.pk, report_number=number, user=request.user)
    messages.success(request, f"Report {submission.report_number} submitted: its figures are now fixed.")
    return redirect("remedy-report", code=campaign.code, quarter=str(Quarter.of(submission.period_end)))


@login_required
@permission_required(SUBMIT, raise_exception=True)
def remedy_nhtsa_file(request: HttpRequest, code: str) -> HttpResponse:
    """Every submitted report of the campaign, one line each, in NHTSA's layout."""
    campaign = get_object_or_404(Campaign, code=code)
    reports = [
        remedy_report_get(campaign=campaign, quarter=line.period.quarter, user=request.user)
        for line in remedy_schedule_get(campaign=campaign)
        if line.submission is not None
    ]
    return _download(nhtsa_file(reports), fmt="nhtsa", name=f"{campaign.code.lower()}-remedy-reports-nhtsa")
