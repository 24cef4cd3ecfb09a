"""The campaign administrator's population page: removals so far, take one VIN off, import a
removal list, download an import's rejects. Thin: ``reports.population`` does the work."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from campaign.http_errors import form_call
from campaign.models import Campaign
from campaign.upload_limits import upload_limit
from reports.models import RemovalImport
from reports.population import REMOVE, affected_entry_remove
from reports.population_forms import UPLOAD_LIMIT_SETTING, RemovalListForm, RemoveVinForm
from reports.population_selectors import removals_recent
from reports.removal_import import removal_list_import


def _page(request: HttpRequest, campaign: Campaign, *, status: int = 200, **extra) -> HttpResponse:
    context = {
        "campaign": campaign,
        "remove_form": RemoveVinForm(action=reverse("population-remove", args=[campaign.code])),
        "list_form": RemovalListForm(action=reverse("population-removal-import", args=[campaign.code])),
        "removals": removals_recent(campaign=campaign),
        "imports": RemovalImport.objects.filter(campaign=campaign).select_related("uploaded_by")[:10],
        **extra,
    }
    return render(request, "reports/population.html", context, status=status)


@login_required
@permission_required(REMOVE, raise_exception=True)
def population_page(request: HttpRequest, code: str) -> HttpResponse:
    return _page(request, get_object_or_404(Campaign, code=code))


@require_POST
@login_required
@permission_required(REMOVE, raise_exception=True)
def population_remove(request: HttpRequest, code: str) -> HttpResponse:
    campaign = get_object_or_404(Campaign, code=code)
    form = RemoveVinForm(request.POST, action=reverse("population-remove", args=[campaign.code]))
    if form.is_valid() and form_call(
        form, affected_entry_remove, campaign_id=campaign.pk, user=request.user, **form.cleaned_data
    ):
        messages.success(
            request, f"{form.cleaned_data['vin'].strip().upper()} taken off {campaign.code}'s list."
        )
        return redirect("population", code=campaign.code)
    return _page(request, campaign, status=400, remove_form=form)


@upload_limit(UPLOAD_LIMIT_SETTING)
@require_POST
@login_required
@permission_required(REMOVE, raise_exception=True)
def population_removal_import(request: HttpRequest, code: str) -> HttpResponse:
    campaign = get_object_or_404(Campaign, code=code)
    form = RemovalListForm(
        request.POST, request.FILES, action=reverse("population-removal-import", args=[campaign.code])
    )
    result = None
    if form.is_valid():
        upload = form.cleaned_data["file"]
        result = form_call(
            form,
            removal_list_import,
            campaign_id=campaign.pk,
            file=upload,
            name=upload.name,
            user=request.user,
        )
    if result is None:
        return _page(request, campaign, status=400, list_form=form)
    return _page(request, campaign, result=result)


@login_required
@permission_required(REMOVE, raise_exception=True)
def population_removal_rejects(request: HttpRequest, code: str, pk: int) -> FileResponse:
    record = get_object_or_404(RemovalImport, pk=pk, campaign__code=code)
    if not record.rejects:
        raise Http404("This import rejected nothing.")
    return FileResponse(
        record.rejects.open("rb"),
        as_attachment=True,
        filename=f"{code.lower()}-removal-{record.pk}-rejects.csv",
    )
