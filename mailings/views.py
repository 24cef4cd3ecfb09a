"""The mailing pages (campaign administrators): the list, a new mailing with its selection and
a letter preview, a mailing's progress and package. Thin: permission (403), a selector or a
service, ``form_call`` for refusals. The package and the preview hold owners' names and
addresses: each is logged as owner-data access (``dealers.owner_data``) and never cached.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_tables2 import RequestConfig

from campaign.exports import table_export
from campaign.http_errors import form_call
from campaign.models import Campaign
from dealers.owner_data import owner_data_access_record, owner_data_access_record_many
from mailings import package, previews
from mailings import selectors as sel
from mailings.filters import MailingFilter
from mailings.forms import MailingForm
from mailings.models import Mailing
from mailings.services import mailing_create, mailing_preview_counts, mailing_resume
from mailings.tables import MailingTable


@login_required
@permission_required(sel.RETURNS_VIEW_PERM, raise_exception=True)
@require_GET
def mailing_home(request: HttpRequest) -> HttpResponse:
    """The menu's one "Mailings" entry: administrators to the mailings, regional staff to their candidates."""
    return redirect("mailing-list" if request.user.has_perm(sel.VIEW_PERM) else "owner-not-located")


@login_required
@permission_required(sel.VIEW_PERM, raise_exception=True)
@require_GET
def mailing_list(request: HttpRequest) -> HttpResponse:
    filters = MailingFilter(request.GET or None, queryset=sel.mailings_list())
    table = MailingTable(filters.qs)
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
    if response := table_export(request, table, name="mailings"):
        return response
    return render(request, "mailings/list.html", {"table": table, "filter": filters, "tab": "mailings"})


@login_required
@permission_required(sel.CREATE_PERM, raise_exception=True)
@require_http_methods(["GET", "POST"])
def mailing_new(request: HttpRequest) -> HttpResponse:
    """Choose campaign and kind; the page shows whom it reaches and a letter, then creates it."""
    data = request.POST if request.method == "POST" else request.GET
    form = MailingForm(data or None, initial={"kind": Mailing.Kind.NOTIFICATION})
    counts = refusal = None
    if form.is_bound and form.is_valid():
        campaign, kind = form.cleaned_data["campaign"], form.cleaned_data["kind"]
        if request.method == "POST":
            mailing = form_call(form, mailing_create, campaign_id=campaign.pk, kind=kind, user=request.user)
            if mailing is not None:
                messages.success(
                    request,
                    f"Mailing {mailing.pk} created: {mailing.letters_total:,} letters; its page follows them.",
                )
                return redirect("mailing-detail", pk=mailing.pk)
        if not form.errors:
            counts = form_call(form, mailing_preview_counts, campaign=campaign, kind=kind)
        refusal = form.non_field_errors() or form.errors.get("kind")
    return render(
        request,
        "mailings/new.html",
        {
            "form": form,
            "counts": counts,
            "refusal": refusal,
            "campaigns": Campaign.objects.order_by("code"),
            "kind_label": Mailing.Kind(form.cleaned_data["kind"]).label if counts else "",
            "tab": "new",
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@permission_required(sel.CREATE_PERM, raise_exception=True)
@require_GET
def mailing_preview(request: HttpRequest, code: str, kind: str, fmt: str) -> HttpResponse:
    """The letter for one vehicle of the selection, as the PDF the vendor gets or as HTML."""
    campaign = Campaign.objects.filter(code=code.upper()).first()
    if campaign is None or kind not in Mailing.Kind.values:
        raise Http404("No such campaign or kind of mailing.")
    preview = previews.letter_preview(campaign=campaign, kind=kind)
    if preview.vehicle is not None:
        owner_data_access_record(user=request.user, vehicle=preview.vehicle, context="mailing letter preview")
    if fmt == "html":
        return HttpResponse(preview.html())
    response = HttpResponse(preview.pdf(), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{campaign.code}-{kind}-preview.pdf"'
    return response


@login_required
@permission_required(sel.VIEW_PERM, raise_exception=True)
@require_GET
def mailing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    mailing = sel.mailing_get(pk=pk)
    return render(
        request,
        "mailings/detail.html",
        {
            "mailing": mailing,
            "progress": sel.mailing_progress(mailing=mailing),
            "chunks": sel.mailing_chunks(mailing=mailing),
            "history": sel.mailing_history(mailing=mailing),
            "files": package.package_files(mailing.pk),
            "may_resume": mailing.status == Mailing.Status.FAILED and request.user.has_perm(sel.CREATE_PERM),
            "tab": "mailings",
        },
    )


@login_required
@permission_required(sel.VIEW_PERM, raise_exception=True)
@require_GET
def mailing_status(request: HttpRequest, pk: int) -> JsonResponse:
    response = JsonResponse(sel.mailing_progress(mailing=sel.mailing_get(pk=pk)))
    response["Cache-Control"] = "no-store"
    return response


@login_required
@permission_required(sel.VIEW_PERM, raise_exception=True)
@require_GET
def mailing_package(request: HttpRequest, pk: int) -> FileResponse:
    mailing = sel.mailing_get(pk=pk)
    files = package.package_files(mailing.pk)
    if mailing.status != Mailing.Status.DONE or not files:
        raise Http404("The package is ready once the mailing is done.")
    # The manifests and letters name every owner of the mailing: each one's view is logged.
    owner_data_access_record_many(
        user=request.user, vins=sel.mailing_vins(mailing=mailing), context=f"mailing {mailing.pk} package"
    )
    return FileResponse(
        package.package_zip(mailing.pk, files),
        as_attachment=True,
        filename=f"{mailing.campaign.code}-mailing-{mailing.pk}.zip",
        content_type="application/zip",
    )


@login_required
@permission_required(sel.CREATE_PERM, raise_exception=True)
@require_POST
def mailing_resume_view(request: HttpRequest, pk: int) -> HttpResponse:
    mailing = mailing_resume(mailing_id=sel.mailing_get(pk=pk).pk, user=request.user)
    messages.success(request, f"Mailing {mailing.pk} is queued again; the chunks not yet done are rendered.")
    return redirect("mailing-detail", pk=mailing.pk)
