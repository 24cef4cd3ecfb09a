"""Staff pages for affected-VIN imports: upload, history, progress, summary, rejects.

Only users with ``campaign.add_vinimport`` (campaign administrators) may open them: the
lists carry owners' names and addresses. Anonymous visitors are sent to sign in. The
uploaded list itself is never served (it is deleted after ``VIN_IMPORT_RETENTION_DAYS``);
the rejects CSV (line, VIN, reason) is, only here.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from campaign.http_errors import form_call
from campaign.import_forms import UPLOAD_LIMIT_SETTING, VinImportForm
from campaign.models import Campaign, VinImport
from campaign.upload_limits import upload_limit
from campaign.vin_import_rows import COLUMNS
from campaign.vin_import_selectors import (
    vin_import_get,
    vin_import_progress,
    vin_import_rejects_preview,
    vin_imports_for_campaign,
)
from campaign.vin_import_uploads import vin_import_submit

PERMISSION = "campaign.add_vinimport"
IMPORTS_PER_PAGE = 20


def _campaign(code: str) -> Campaign:
    return get_object_or_404(Campaign, code=code.upper())


@login_required
@permission_required(PERMISSION, raise_exception=True)
@require_http_methods(["GET", "POST"])
@upload_limit(UPLOAD_LIMIT_SETTING)
def vin_import_list(request: HttpRequest, code: str) -> HttpResponse:
    campaign = _campaign(code)
    form = VinImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        vin_import = form_call(
            form, vin_import_submit, campaign=campaign, upload=form.cleaned_data["file"], user=request.user
        )
        if vin_import is not None:
            messages.success(
                request, f"{vin_import.original_name} is queued for import into {campaign.code}."
            )
            return redirect("vin-import-detail", code=campaign.code, pk=vin_import.pk)
    page = Paginator(vin_imports_for_campaign(campaign=campaign), IMPORTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "campaign/import_list.html",
        {"campaign": campaign, "form": form, "page": page, "columns": COLUMNS},
    )


@login_required
@permission_required(PERMISSION, raise_exception=True)
@require_GET
def vin_import_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    vin_import = vin_import_get(campaign_code=code, pk=pk)
    retention_days = settings.VIN_IMPORT_RETENTION_DAYS
    return render(
        request,
        "campaign/import_detail.html",
        {
            "campaign": vin_import.campaign,
            "vin_import": vin_import,
            "progress": vin_import_progress(vin_import=vin_import),
            "rejects": vin_import_rejects_preview(vin_import=vin_import),
            "retention_days": retention_days,
            "source_deleted_on": vin_import.finished_at + timedelta(days=retention_days)
            if vin_import.finished_at
            else None,
        },
    )


@login_required
@permission_required(PERMISSION, raise_exception=True)
@require_GET
def vin_import_status(request: HttpRequest, code: str, pk: int) -> JsonResponse:
    vin_import = vin_import_get(campaign_code=code, pk=pk)
    response = JsonResponse(vin_import_progress(vin_import=vin_import))
    response["Cache-Control"] = "no-store"
    return response


@login_required
@permission_required(PERMISSION, raise_exception=True)
@require_GET
def vin_import_rejects(request: HttpRequest, code: str, pk: int) -> FileResponse:
    vin_import: VinImport = vin_import_get(campaign_code=code, pk=pk)
    if not vin_import.rejects:
        raise Http404("This import rejected no rows.")
    return FileResponse(
        vin_import.rejects.open("rb"),
        as_attachment=True,
        filename=f"{vin_import.campaign.code}-import-{vin_import.pk}.rejects.csv",
        content_type="text/csv",
    )
