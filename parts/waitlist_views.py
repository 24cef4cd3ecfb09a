"""Wait-list pages: the dealer's line for kits (with the appointments at risk), joining it,
withdrawing from it, and whom to call now that their kit arrived.

Thin: each view checks the permission (403 when the role may not do this at all), reads
through ``parts.waitlist_selectors`` (404 for another dealer's entry) and calls one service.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from campaign.exports import table_export
from campaign.http_errors import form_call
from campaign.models import Campaign
from dealers.models import Dealer
from parts import waitlist_selectors as selectors
from parts.arrived_notices import arrived_notice_mark_called
from parts.reservations import waitlist_join, waitlist_withdraw
from parts.waitlist_filters import WaitlistFilter
from parts.waitlist_forms import JoinForm, WithdrawForm
from parts.waitlist_tables import ToCallTable, WaitlistTable

BOOK = "repairs.add_appointment"


@login_required
@permission_required(selectors.VIEW, raise_exception=True)
def waitlist(request: HttpRequest) -> HttpResponse:
    dealer = selectors.waitlist_dealer_get(user=request.user, code=request.GET.get("dealer"))
    filterset = WaitlistFilter(
        request.GET or None, queryset=selectors.waitlist_for_dealer(dealer_id=dealer.pk)
    )
    may_withdraw = dealer.pk in selectors.dealer_ids_with_perm(user=request.user, perm=selectors.WITHDRAW)
    table = WaitlistTable(filterset.qs, may_withdraw=may_withdraw)
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
    if response := table_export(request, table, name="wait-list"):
        return response
    return render(
        request,
        "parts/waitlist/list.html",
        {
            "dealer": dealer,
            "dealers": selectors.waitlist_dealers_for_user(user=request.user)[:50],
            "filter": filterset,
            "table": table,
            "at_risk": selectors.appointments_at_risk(dealers=[dealer]),
            "may_join": dealer.pk in selectors.dealer_ids_with_perm(user=request.user, perm=selectors.JOIN),
            "at_risk_days": selectors.AT_RISK_DAYS,
        },
    )


@login_required
@permission_required(selectors.JOIN, raise_exception=True)
def join(request: HttpRequest) -> HttpResponse:
    # Joining is the dealer's own staff's job: dealers where a role of the user grants it.
    dealers = Dealer.objects.filter(
        pk__in=sorted(selectors.dealer_ids_with_perm(user=request.user, perm=selectors.JOIN))
    ).order_by("code")
    if not dealers.exists():
        raise PermissionDenied("You keep no dealer's wait-list.")
    initial = {k: request.GET[k] for k in ("vin", "campaign") if request.GET.get(k)}
    initial.setdefault("campaign", Campaign.objects.order_by("code").values_list("code", flat=True).first())
    form = JoinForm(request.POST or None, initial=initial, dealers=dealers)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        entry = form_call(
            form,
            waitlist_join,
            dealer_id=data["dealer"].pk,
            vin=data["vin"],
            campaign_id=data["campaign"].pk,
            symptomatic=data["symptomatic"],
            contact_preference=data["contact_preference"],
            notes=data["notes"],
            user=request.user,
        )
        if entry is not None:
            if entry.status == entry.Status.RESERVED:
                messages.success(
                    request, f"{entry.vehicle_id} is on the wait-list, and a kit is reserved for it."
                )
            else:
                messages.success(
                    request,
                    f"{entry.vehicle_id} is on the wait-list: they will be called when a kit arrives.",
                )
            return redirect(f"{reverse('waitlist')}?dealer={data['dealer'].code}")
    return render(request, "parts/waitlist/join.html", {"form": form}, status=400 if form.is_bound else 200)


@login_required
@permission_required(selectors.WITHDRAW, raise_exception=True)
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    entry = selectors.waitlist_entry_get(user=request.user, pk=pk)
    form = WithdrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = form_call(
            form,
            waitlist_withdraw,
            reservation_id=entry.pk,
            dealer_ids=selectors.dealer_ids_with_perm(user=request.user, perm=selectors.WITHDRAW),
            reason=form.cleaned_data["reason"],
            user=request.user,
        )
        if done is not None:
            messages.success(request, f"{entry.vehicle_id} left the wait-list.")
            return redirect(f"{reverse('waitlist')}?dealer={entry.dealer.code}")
    return render(
        request,
        "parts/waitlist/withdraw.html",
        {"entry": entry, "form": form},
        status=400 if form.is_bound else 200,
    )


@login_required
@permission_required(selectors.VIEW_CALLS, raise_exception=True)
def to_call(request: HttpRequest) -> HttpResponse:
    dealer = selectors.waitlist_dealer_get(
        user=request.user, code=request.GET.get("dealer"), perm=selectors.VIEW_CALLS
    )
    table = ToCallTable(
        selectors.arrived_to_call(dealer_ids=[dealer.pk]),
        may_book=dealer.pk in selectors.dealer_ids_with_perm(user=request.user, perm=BOOK),
        may_mark=dealer.pk in selectors.dealer_ids_with_perm(user=request.user, perm=selectors.MARK_CALLED),
    )
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
    if response := table_export(request, table, name="parts-arrived-to-call"):
        return response
    return render(request, "parts/waitlist/to_call.html", {"dealer": dealer, "table": table})


@login_required
@permission_required(selectors.MARK_CALLED, raise_exception=True)
@require_POST
def called(request: HttpRequest, pk: int) -> HttpResponse:
    notice = arrived_notice_mark_called(
        notice_id=pk,
        dealer_ids=selectors.dealer_ids_with_perm(user=request.user, perm=selectors.MARK_CALLED),
        user=request.user,
    )
    messages.success(request, f"Called the owner of {notice.reservation.vehicle_id}.")
    return redirect("waitlist-to-call")
