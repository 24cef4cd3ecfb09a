"""Returned-mail pages: the upload (campaign administrators) and the "owner not located"
candidates (regional staff in their region, campaign administrators nationally).

The candidates page shows no owner data (VIN, vehicle, dealer, dates, why); the vehicle
record behind each VIN shows the owner, logged. Its button posts to the repairs app's
outcome page (``outcome-unreachable``, by URL name: mailings never imports repairs).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods
from django_tables2 import RequestConfig

from campaign.csv_rows import rejects_read
from campaign.exports import table_export
from campaign.http_errors import form_call
from campaign.upload_limits import upload_limit
from mailings import selectors as sel
from mailings.filters import OwnerNotLocatedFilter
from mailings.forms import RETURNS_LIMIT_SETTING, ReturnedMailForm
from mailings.returned_mail import OPTIONAL, REQUIRED, returned_mail_import
from mailings.tables import OwnerNotLocatedTable

REJECTS_SHOWN = 50


@login_required
@permission_required(sel.RETURNS_ADD_PERM, raise_exception=True)
@require_http_methods(["GET", "POST"])
@upload_limit(RETURNS_LIMIT_SETTING)
def returned_mail_upload(request: HttpRequest) -> HttpResponse:
    form = ReturnedMailForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        with tempfile.TemporaryDirectory() as folder:
            recorded = form_call(
                form,
                returned_mail_import,
                campaign_id=form.cleaned_data["campaign"].pk,
                source=upload.open("rb"),
                original_name=Path(upload.name).name,
                user=request.user,
                rejects_path=Path(folder) / "rejects.csv",
            )
        if recorded is not None:
            messages.success(
                request,
                f"{recorded.original_name}: {recorded.rows_forwarded:,} forwarding addresses, "
                f"{recorded.rows_undeliverable:,} undeliverable, {recorded.rows_rejected:,} rejected.",
            )
            return redirect("returned-mail-detail", pk=recorded.pk)
    page = Paginator(sel.returned_mail_imports(), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "mailings/returns_upload.html",
        {"form": form, "page": page, "columns": [*REQUIRED, *OPTIONAL], "tab": "returns"},
        status=400 if form.errors else 200,
    )


@login_required
@permission_required(sel.RETURNS_ADD_PERM, raise_exception=True)
@require_GET
def returned_mail_detail(request: HttpRequest, pk: int) -> HttpResponse:
    recorded = sel.returned_mail_import_get(pk=pk)
    rejects = []
    if recorded.rejects:
        with recorded.rejects.open("rb") as source:
            rejects = rejects_read(source, limit=REJECTS_SHOWN)
    return render(
        request, "mailings/returns_detail.html", {"recorded": recorded, "rejects": rejects, "tab": "returns"}
    )


@login_required
@permission_required(sel.RETURNS_ADD_PERM, raise_exception=True)
@require_GET
def returned_mail_rejects(request: HttpRequest, pk: int) -> FileResponse:
    recorded = sel.returned_mail_import_get(pk=pk)
    if not recorded.rejects:
        raise Http404("This file had no rejected rows.")
    return FileResponse(
        recorded.rejects.open("rb"),
        as_attachment=True,
        filename=f"returned-mail-{recorded.pk}.rejects.csv",
        content_type="text/csv",
    )


@login_required
@permission_required(sel.RETURNS_VIEW_PERM, raise_exception=True)
@require_GET
def owner_not_located(request: HttpRequest) -> HttpResponse:
    filters = OwnerNotLocatedFilter(
        request.GET or None, queryset=sel.owner_not_located_candidates(user=request.user)
    )
    table = OwnerNotLocatedTable(filters.qs)
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
    if response := table_export(request, table, name="owner-not-located"):
        return response
    return render(
        request,
        "mailings/not_located.html",
        {
            "table": table,
            "filter": filters,
            "may_mark": request.user.has_perm("repairs.set_unreachable"),
            "tab": "not-located",
        },
    )
