"""Campaign pages for signed-in staff: what the campaign is, where it stands, its documents.

Every staff role reads them (``campaign.view_campaign``); administrators publish
documents and advance the phase. The campaign app knows nothing of dealers: access
here is by Django permission only, as campaign data is the same for every dealer.
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import django_tables2 as tables
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from campaign.http_errors import form_call
from campaign.models import AffectedVehicle, Campaign, CampaignDocument, CoveredModel, VinRange
from campaign.remedy import remedy_operations
from campaign.services import campaign_document_add, campaign_phase_advance
from campaign.staff_forms import CampaignDocumentForm, PhaseAdvanceForm

VIEW = "campaign.view_campaign"
ADD_DOCUMENT = "campaign.add_campaigndocument"
ADVANCE = "campaign.change_campaign_phase"
OPEN = AffectedVehicle.Status.OPEN


class CampaignTable(tables.Table):
    code = tables.Column("Code", linkify=lambda record: reverse("campaign-detail", args=[record.code]))
    title = tables.Column("Campaign")
    phase = tables.Column("Phase")
    dir_filed_on = tables.DateColumn(verbose_name="DIR filed", format="Y-m-d")
    uio = tables.Column("UIO", attrs={"td": {"class": "text-end"}, "th": {"class": "text-end"}})
    on_list = tables.Column(
        "On posted list", attrs={"td": {"class": "text-end"}, "th": {"class": "text-end"}}
    )

    class Meta:
        attrs = {"class": "table table-hover align-middle"}
        per_page = 25
        empty_text = "No campaigns loaded."

    def render_phase(self, record: Campaign) -> str:
        return record.get_phase_display()

    def render_uio(self, value: int) -> str:
        return f"{value:,}"

    def render_on_list(self, value: int) -> str:
        return f"{value:,}"


def _campaigns():
    uio = (
        CoveredModel.objects.filter(campaign=OuterRef("pk"))
        .order_by()
        .values("campaign")
        .annotate(total=Sum("uio"))
        .values("total")
    )
    on_list = (
        AffectedVehicle.objects.filter(campaign=OuterRef("pk"))
        .exclude(status=AffectedVehicle.Status.REMOVED)
        .order_by()
        .values("campaign")
        .annotate(n=Count("pk"))
        .values("n")
    )
    # Subqueries, not joins: summing UIO over a join with the list would multiply it.
    return Campaign.objects.annotate(
        uio=Coalesce(Subquery(uio, output_field=IntegerField()), 0),
        on_list=Coalesce(Subquery(on_list, output_field=IntegerField()), 0),
    )


@login_required
@permission_required(VIEW, raise_exception=True)
def campaign_list(request: HttpRequest) -> HttpResponse:
    table = CampaignTable(_campaigns().order_by("-dir_filed_on", "code"))
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
    return render(request, "campaign/staff_list.html", {"table": table})


def letter_blocks(text: str) -> list[tuple[str, str]]:
    """The dealer letter as (heading, paragraph) pairs.

    The letter is stored as typed, hard-wrapped with blank lines between blocks; a block whose
    first line is short and unpunctuated ("Parts Ordering") opens with that heading.
    """
    blocks = []
    for block in re.split(r"\n\s*\n", (text or "").strip()):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if not lines:
            continue
        heading = ""
        if len(lines) > 1 and len(lines[0]) <= 60 and not lines[0].endswith((".", ",", ";")):
            heading, lines = lines[0], lines[1:]
        blocks.append((heading, " ".join(lines)))
    return blocks


def _detail_context(request: HttpRequest, campaign: Campaign, **forms) -> dict:
    covered = list(
        CoveredModel.objects.filter(campaign=campaign)
        .prefetch_related(Prefetch("ranges", queryset=VinRange.objects.order_by("position")))
        .order_by("position")
    )
    counts = AffectedVehicle.objects.filter(campaign=campaign).aggregate(
        total=Count("pk", filter=~Q(status=AffectedVehicle.Status.REMOVED)),
        open=Count("pk", filter=Q(status=OPEN)),
    )
    user = request.user
    document_form = forms.get("document_form")
    if document_form is None and user.has_perm(ADD_DOCUMENT):
        document_form = CampaignDocumentForm(action=reverse("campaign-document-upload", args=[campaign.code]))
    phase_form = forms.get("phase_form")
    if phase_form is None and user.has_perm(ADVANCE) and Campaign.Phase.later_than(campaign.phase):
        phase_form = PhaseAdvanceForm(
            campaign=campaign, action=reverse("campaign-phase-advance", args=[campaign.code])
        )
    return {
        "campaign": campaign,
        "remedy_rows": [
            (op, sum((p.quantity * p.dealer_net_price for p in op.parts.all()), Decimal(0)))
            for op in remedy_operations(campaign=campaign)
        ],
        "letter": letter_blocks(campaign.dealer_notice),
        "phase_changes": list(
            campaign.phase_changes.select_related("changed_by").order_by("-changed_at", "-pk")
        ),
        "covered_models": covered,
        "total_uio": sum(cm.uio for cm in covered),
        "list_counts": counts,
        "documents": list(campaign.documents.select_related("uploaded_by").order_by("kind", "-uploaded_at")),
        "document_kinds": CampaignDocument.Kind,
        "document_form": document_form,
        "phase_form": phase_form,
        "may_download": user.has_perm("campaign.view_campaigndocument"),
    }


@login_required
@permission_required(VIEW, raise_exception=True)
def campaign_detail(request: HttpRequest, code: str) -> HttpResponse:
    campaign = get_object_or_404(Campaign, code=code)
    return render(request, "campaign/staff_detail.html", _detail_context(request, campaign))


@login_required
@permission_required(ADD_DOCUMENT, raise_exception=True)
@require_POST
def campaign_document_upload(request: HttpRequest, code: str) -> HttpResponse:
    campaign = get_object_or_404(Campaign, code=code)
    form = CampaignDocumentForm(request.POST, request.FILES, action=request.path)
    document = None
    if form.is_valid():
        document = form_call(
            form,
            campaign_document_add,
            campaign_id=campaign.pk,
            kind=form.cleaned_data["kind"],
            title=form.cleaned_data["title"],
            file=form.cleaned_data["file"],
            user=request.user,
        )
    if document is not None:
        messages.success(request, f"Published “{document.title}” ({document.get_kind_display()}).")
        return redirect("campaign-detail", code=campaign.code)
    context = _detail_context(request, campaign, document_form=form)
    return render(request, "campaign/staff_detail.html", context, status=400)


@login_required
@permission_required("campaign.view_campaigndocument", raise_exception=True)
def campaign_document_download(request: HttpRequest, code: str, pk: int) -> FileResponse:
    document = get_object_or_404(
        CampaignDocument.objects.select_related("campaign"), pk=pk, campaign__code=code
    )
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404("The document's file is missing.") from None
    # Named after its title, not the storage name (which may carry a de-duplicating suffix).
    filename = f"{campaign_slug(document)}{Path(document.file.name).suffix.lower()}"
    return FileResponse(handle, as_attachment=True, filename=filename)


def campaign_slug(document: CampaignDocument) -> str:
    return f"{document.campaign.code}-{slugify(document.title)}"[:120]


@login_required
@permission_required(ADVANCE, raise_exception=True)
@require_POST
def campaign_phase_advance_view(request: HttpRequest, code: str) -> HttpResponse:
    campaign = get_object_or_404(Campaign, code=code)
    form = PhaseAdvanceForm(request.POST, campaign=campaign, action=request.path)
    advanced = None
    if form.is_valid():
        advanced = form_call(
            form,
            campaign_phase_advance,
            campaign_id=campaign.pk,
            to_phase=form.cleaned_data["to_phase"],
            user=request.user,
            note=form.cleaned_data["note"],
        )
    if advanced is not None:
        messages.success(request, f"{advanced.code} is now at “{advanced.get_phase_display()}”.")
        return redirect("campaign-detail", code=advanced.code)
    # Refused (a stale form, a move backwards): the page again, the reason on the form.
    context = _detail_context(request, campaign, phase_form=form)
    return render(request, "campaign/staff_detail.html", context, status=400)
