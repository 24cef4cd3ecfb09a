"""Booking pages: the call list, the booking form, the shop calendar, an appointment and its
changes, and the shop's hours and closures.

Thin: each view checks the permission (403 when the role may not do this at all), reads
through ``repairs.booking_selectors`` (404 for another dealer's appointment) and calls one
service of ``repairs.appointments`` or ``repairs.capacity``.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateparse import parse_date
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from campaign.exports import table_export
from campaign.http_errors import form_call
from campaign.models import Campaign
from dealers.models import Dealer
from repairs import appointments as services
from repairs import booking_selectors as selectors
from repairs.booking_filters import CallListFilter
from repairs.booking_forms import (
    BookingForm,
    CancelForm,
    ClosureForm,
    NoShowForm,
    RescheduleForm,
    ShopHoursForm,
)
from repairs.booking_tables import CallListTable
from repairs.capacity import shop_closure_add, shop_closure_remove, shop_hours_set, shop_load_for
from repairs.models import ShopClosure, ShopHours
from repairs.ro_selectors import repair_dealer_ids

CALL_LIST_PERMS = ("repairs.view_appointment", "dealers.view_servicingdealer")
SHOP_VIEW = "repairs.view_shophours"
CHECK_IN = "repairs.add_repairorder"
FREE_DAYS_SHOWN = 14
# The parts app's permission to put an owner on the wait-list (named, not imported: repairs
# never imports parts).
WAITLIST_JOIN = "parts.add_kitreservation"


def _one_dealer(request: HttpRequest, dealer_ids) -> Dealer:
    """The dealer a page is about, among ``dealer_ids``: ``?dealer=CODE``, else the first."""
    dealers = Dealer.objects.filter(pk__in=sorted(dealer_ids)).order_by("code")
    code = request.GET.get("dealer") or request.POST.get("dealer_code")
    dealer = dealers.filter(code=code).first() if code else dealers.first()
    if dealer is None:
        raise PermissionDenied("You have no dealer here.")
    return dealer


def _call_list_dealer_ids(user) -> frozenset[int]:
    return selectors.dealer_ids_with_perm(user=user, perm="dealers.view_servicingdealer")


@login_required
@permission_required(CALL_LIST_PERMS, raise_exception=True)
def call_list(request: HttpRequest) -> HttpResponse:
    dealer = _one_dealer(request, _call_list_dealer_ids(request.user))
    filterset = CallListFilter(
        request.GET or None, queryset=selectors.call_list_for_dealer(dealer_id=dealer.pk)
    )
    may_book = dealer.pk in selectors.dealer_ids_with_perm(user=request.user, perm=selectors.BOOK)
    may_join = dealer.pk in selectors.dealer_ids_with_perm(user=request.user, perm=WAITLIST_JOIN)
    table = CallListTable(filterset.qs, may_book=may_book, may_join=may_join)
    RequestConfig(request, paginate={"per_page": 25}).configure(table)
    if response := table_export(request, table, name="call-list"):
        return response
    return render(
        request, "repairs/booking/call_list.html", {"dealer": dealer, "filter": filterset, "table": table}
    )


def _free_days(dealer: Dealer, start: dt.date):
    return shop_load_for(dealer_id=dealer.pk, start=start, end=start + dt.timedelta(days=FREE_DAYS_SHOWN - 1))


@login_required
@permission_required(selectors.BOOK, raise_exception=True)
def book(request: HttpRequest) -> HttpResponse:
    dealers = selectors.booking_dealers_for_user(user=request.user)
    if not dealers.exists():
        raise PermissionDenied("You book appointments for no dealer.")
    campaigns = selectors.bookable_campaigns()
    asked = request.GET.get("campaign")
    waiting = Campaign.objects.filter(code=asked, phase=Campaign.Phase.PRELIMINARY).first() if asked else None
    if waiting is not None or not campaigns.exists():
        # The preliminary phase: no booking, the reason and the wait-list instead.
        return render(
            request,
            "repairs/booking/book.html",
            {
                "form": None,
                "waiting": waiting or Campaign.objects.filter(phase=Campaign.Phase.PRELIMINARY).first(),
            },
        )
    initial = {k: request.GET[k] for k in ("vin", "campaign", "date") if request.GET.get(k)}
    form = BookingForm(request.POST or None, initial=initial, dealers=dealers, campaigns=campaigns)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        appointment = form_call(
            form,
            services.appointment_book,
            dealer_id=data["dealer"].pk,
            vin=data["vin"],
            campaign_id=data["campaign"].pk,
            date=data["date"],
            time=data["time"],
            transport=data["transport"],
            symptomatic=data["symptomatic"],
            contact_preference=data["contact_preference"],
            notes=data["notes"],
            user=request.user,
        )
        if appointment is not None:
            messages.success(request, f"Booked {appointment.vehicle_id} for {appointment.hours} h.")
            return redirect("booking-detail", pk=appointment.pk)
    dealer = form.cleaned_data.get("dealer") if form.is_bound and hasattr(form, "cleaned_data") else None
    dealer = dealer or dealers.first()
    chosen = parse_date(request.POST.get("date") or request.GET.get("date") or "") or services.dealer_today(
        dealer
    )
    return render(
        request,
        "repairs/booking/book.html",
        {"form": form, "dealer": dealer, "free_days": _free_days(dealer, chosen), "chosen": chosen},
        status=400 if form.is_bound else 200,
    )


@login_required
@permission_required(selectors.VIEW, raise_exception=True)
def calendar(request: HttpRequest) -> HttpResponse:
    dealer = selectors.calendar_dealer_for_user(user=request.user, code=request.GET.get("dealer"))
    view = "day" if request.GET.get("view") == "day" else "week"
    cal = selectors.shop_calendar(dealer=dealer, date=parse_date(request.GET.get("date") or ""), view=view)
    return render(request, "repairs/booking/calendar.html", {"cal": cal})


def _detail(
    request: HttpRequest, appointment, *, forms: dict | None = None, status: int = 200
) -> HttpResponse:
    may_change = appointment.status == appointment.Status.SCHEDULED and appointment.dealer_id in (
        selectors.dealer_ids_with_perm(user=request.user, perm=selectors.CHANGE)
    )
    # Checking the car in opens its repair order (repairs.ro_views): the service department
    # of the appointment's dealer does it.
    may_check_in = (
        appointment.status == appointment.Status.SCHEDULED
        and request.user.has_perm(CHECK_IN)
        and appointment.dealer_id in repair_dealer_ids(user=request.user)
    )
    context = {
        "appointment": appointment,
        "local_start": appointment.start_at.astimezone(services.dealer_zone(appointment.dealer)),
        "events": selectors.appointment_history(appointment=appointment),
        "slots": selectors.appointment_slots(appointment=appointment),
        "may_change": may_change,
        "may_check_in": may_check_in,
    }
    if may_change:
        forms = forms or {}
        context["reschedule_form"] = forms.get("reschedule") or RescheduleForm(
            action=reverse("booking-reschedule", args=[appointment.pk])
        )
        context["cancel_form"] = forms.get("cancel") or CancelForm(
            action=reverse("booking-cancel", args=[appointment.pk])
        )
        context["no_show_form"] = forms.get("no_show") or NoShowForm(
            action=reverse("booking-no-show", args=[appointment.pk])
        )
    return render(request, "repairs/booking/detail.html", context, status=status)


@login_required
@permission_required(selectors.VIEW, raise_exception=True)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, selectors.appointment_get(user=request.user, pk=pk))


def _change(
    request: HttpRequest, pk: int, *, form_class, key: str, service, done: str, **fields
) -> HttpResponse:
    appointment = selectors.appointment_get(user=request.user, pk=pk)
    dealer_ids = selectors.dealer_ids_with_perm(user=request.user, perm=selectors.CHANGE)
    if appointment.dealer_id not in dealer_ids:
        raise PermissionDenied("Only the dealer's service department changes its appointments.")
    form = form_class(request.POST, action=request.path)
    if form.is_valid():
        kwargs = {name: form.cleaned_data[name] for name in form.fields}
        if form_call(form, service, appointment_id=pk, dealer_ids=dealer_ids, user=request.user, **kwargs):
            messages.success(request, done)
            return redirect("booking-detail", pk=pk)
    return _detail(request, appointment, forms={key: form}, status=400)


@login_required
@permission_required(selectors.CHANGE, raise_exception=True)
@require_POST
def reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    return _change(
        request,
        pk,
        form_class=RescheduleForm,
        key="reschedule",
        service=services.appointment_reschedule,
        done="Rescheduled.",
    )


@login_required
@permission_required(selectors.CHANGE, raise_exception=True)
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _change(
        request,
        pk,
        form_class=CancelForm,
        key="cancel",
        service=services.appointment_cancel,
        done="Appointment cancelled; its shop hours are free again.",
    )


@login_required
@permission_required(selectors.CHANGE, raise_exception=True)
@require_POST
def no_show(request: HttpRequest, pk: int) -> HttpResponse:
    return _change(
        request,
        pk,
        form_class=NoShowForm,
        key="no_show",
        service=services.appointment_no_show,
        done="No-show recorded; its shop hours are free again.",
    )


def _shop_page(
    request: HttpRequest, dealer: Dealer, *, hours_form=None, closure_form=None, status: int = 200
):
    may_edit = dealer.pk in selectors.dealer_ids_with_perm(user=request.user, perm=selectors.SHOP_CHANGE)
    weekly = {h.weekday: h for h in ShopHours.objects.filter(dealer=dealer)}
    return render(
        request,
        "repairs/booking/shop.html",
        {
            "dealer": dealer,
            "week": [(day, label, weekly.get(day)) for day, label in ShopHours.Weekday.choices],
            "closures": ShopClosure.objects.filter(dealer=dealer, date__gte=services.dealer_today(dealer)),
            "may_edit": may_edit,
            "hours_form": (hours_form or ShopHoursForm()) if may_edit else None,
            "closure_form": (closure_form or ClosureForm()) if may_edit else None,
        },
        status=status,
    )


@login_required
@permission_required(SHOP_VIEW, raise_exception=True)
def shop(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _shop_hours_post(request)
    return _shop_page(
        request, _one_dealer(request, selectors.dealer_ids_with_perm(user=request.user, perm=SHOP_VIEW))
    )


def _shop_hours_post(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(selectors.SHOP_CHANGE):
        raise PermissionDenied("Only the service manager sets the shop's hours.")
    dealer = _one_dealer(
        request, selectors.dealer_ids_with_perm(user=request.user, perm=selectors.SHOP_CHANGE)
    )
    form = ShopHoursForm(request.POST)
    if form.is_valid() and form_call(
        form, shop_hours_set, dealer_id=dealer.pk, user=request.user, **form.cleaned_data
    ):
        messages.success(request, f"{ShopHours.Weekday(form.cleaned_data['weekday']).label} hours saved.")
        return redirect("booking-shop")
    return _shop_page(request, dealer, hours_form=form, status=400)


@login_required
@permission_required("repairs.add_shopclosure", raise_exception=True)
@require_POST
def closure_add(request: HttpRequest) -> HttpResponse:
    dealer = _one_dealer(
        request, selectors.dealer_ids_with_perm(user=request.user, perm="repairs.add_shopclosure")
    )
    form = ClosureForm(request.POST)
    if form.is_valid() and form_call(
        form, shop_closure_add, dealer_id=dealer.pk, user=request.user, **form.cleaned_data
    ):
        messages.success(request, f"Closed on {form.cleaned_data['date']:%Y-%m-%d}.")
        return redirect("booking-shop")
    return _shop_page(request, dealer, closure_form=form, status=400)


@login_required
@permission_required("repairs.delete_shopclosure", raise_exception=True)
@require_POST
def closure_remove(request: HttpRequest, pk: int) -> HttpResponse:
    dealer_ids = selectors.dealer_ids_with_perm(user=request.user, perm="repairs.delete_shopclosure")
    closure = shop_closure_remove(closure_id=pk, dealer_ids=dealer_ids, user=request.user)
    messages.success(request, f"Open again on {closure.date:%Y-%m-%d}.")
    return redirect("booking-shop")
