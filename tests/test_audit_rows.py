"""History rows cannot be destroyed: not by a cascade, not in the admin, not by a superuser."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.db import models, transaction
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone

from campaign.admin_history import HistoryAdminMixin
from campaign.models import Campaign, CampaignPhaseChange, Vehicle
from campaign.services import campaign_phase_advance
from dealers.inventory import inventory_add
from dealers.models import InventoryEvent, InventoryUnit, OwnerDataAccess
from dealers.owner_data import owner_data_access_record
from mailings.models import Letter, MailingStatusChange, OwnerAddressChange, ReturnedMail
from notifications.models import ContactPreferenceChange, Message, MessageEvent
from parts.models import (
    AllocationEvent,
    KitReservationEvent,
    PartsArrivedNotice,
    StockMovement,
    TransferEvent,
)
from repairs.models import AppointmentEvent, ClaimEvent, OutcomeChange, ReimbursementEvent, RepairOrderEvent
from reports.models import RemedyReportSubmission, RemovalImport
from tests.factories import VehicleFactory, ale_vin

# Every history table of the product. A new one is added here, gets PROTECTed foreign keys
# and, if the admin shows it at all, a HistoryAdmin; the tests below hold it to those rules.
# The ones the admin shows (read-only, never deleted); the repairs histories are not in it.
ADMIN_HISTORY_MODELS = (CampaignPhaseChange, OwnerDataAccess, InventoryEvent)
HISTORY_MODELS = (
    *ADMIN_HISTORY_MODELS,
    AppointmentEvent,
    RepairOrderEvent,
    OutcomeChange,
    ClaimEvent,
    ReimbursementEvent,
    # Parts: the stock ledger is a history too (every movement, who, why, its reference).
    StockMovement,
    KitReservationEvent,
    PartsArrivedNotice,
    TransferEvent,
    AllocationEvent,
    # Notifications: every message written, each of its status changes, each preference change.
    Message,
    MessageEvent,
    ContactPreferenceChange,
    # Owner letters: what was mailed to whom, its status history, returns and address changes.
    Letter,
    MailingStatusChange,
    ReturnedMail,
    OwnerAddressChange,
    # Reports: a submitted §573.7 report (the figures as submitted) and a removal list's record.
    RemedyReportSubmission,
    RemovalImport,
)


@pytest.mark.parametrize("model", HISTORY_MODELS, ids=lambda m: m.__name__)
def test_no_history_row_goes_away_with_what_it_records(model):
    """Its links to the objects it records PROTECT; links to users may only be cleared (SET_NULL)."""
    for field in model._meta.concrete_fields:
        if not field.is_relation:
            continue
        on_delete = field.remote_field.on_delete
        assert on_delete is not models.CASCADE, f"{model.__name__}.{field.name} cascades"
        if on_delete is not models.PROTECT:
            assert on_delete is models.SET_NULL and field.null, f"{model.__name__}.{field.name}"


@pytest.mark.parametrize("model", HISTORY_MODELS, ids=lambda m: m.__name__)
def test_every_history_model_and_its_inlines_use_the_history_admin(model):
    if model in admin.site._registry:  # not every history is shown in the admin at all
        assert isinstance(admin.site._registry[model], HistoryAdminMixin)
    for registered, model_admin in admin.site._registry.items():
        for inline in model_admin.inlines:
            if inline.model is model:
                assert issubclass(inline, HistoryAdminMixin), f"{registered.__name__}: {inline.__name__}"


@pytest.fixture
def history(ale, dealer_a, preowned_manager_a, campaign_admin):
    """One row of each history table, as the services write them."""
    vehicle = VehicleFactory(vin=ale_vin(13579))
    access = owner_data_access_record(user=campaign_admin, vehicle=vehicle, context="vehicle record")
    campaign_phase_advance(campaign_id=ale.pk, to_phase=Campaign.Phase.PARTS_AVAILABLE, user=campaign_admin)
    unit = inventory_add(
        dealer_id=dealer_a.pk,
        vin=ale_vin(13580),
        stock_number="P13580",
        received_on=timezone.localdate(),
        user=preowned_manager_a,
    )
    return {
        "vehicle": vehicle,
        "unit": unit,
        OwnerDataAccess: access,
        CampaignPhaseChange: CampaignPhaseChange.objects.get(
            campaign=ale, to_phase=Campaign.Phase.PARTS_AVAILABLE
        ),
        InventoryEvent: unit.events.first(),
    }


@pytest.mark.django_db
def test_deleting_a_vehicle_someone_viewed_is_refused(history):
    with pytest.raises(ProtectedError), transaction.atomic():
        history["vehicle"].delete()
    assert Vehicle.objects.filter(pk=history["vehicle"].pk).exists()
    assert OwnerDataAccess.objects.filter(vehicle=history["vehicle"]).count() == 1


@pytest.mark.django_db
def test_deleting_a_unit_or_a_campaign_with_history_is_refused(history, ale):
    with pytest.raises(ProtectedError), transaction.atomic():
        history["unit"].delete()
    with pytest.raises(ProtectedError), transaction.atomic():
        # No posted list here: ALE's phase changes alone protect it.
        ale.delete()
    assert InventoryEvent.objects.filter(unit=history["unit"]).exists()
    assert CampaignPhaseChange.objects.filter(campaign=ale).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("model", ADMIN_HISTORY_MODELS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("who", ["superuser", "campaign_admin"])
def test_the_admin_refuses_to_delete_a_history_row(request, client, history, model, who):
    user = request.getfixturevalue(who)
    if who == "campaign_admin":
        user.is_staff = True  # as the demo's administrator: Django admin is part of the role
        user.save(update_fields=["is_staff"])
    client.force_login(user)
    row = history[model]
    meta = model._meta
    url = reverse(f"admin:{meta.app_label}_{meta.model_name}_delete", args=[row.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=row.pk).exists()

    # No bulk "Delete selected" either: the action is not offered, and posting it anyway deletes nothing.
    changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
    page = client.get(changelist)
    assert page.status_code == 200
    assert "delete_selected" not in page.content.decode()
    client.post(changelist, {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"})
    assert model.objects.filter(pk=row.pk).exists()


@pytest.mark.django_db
def test_history_rows_cannot_be_added_or_edited_in_the_admin(client, superuser, history):
    client.force_login(superuser)
    for model in ADMIN_HISTORY_MODELS:
        meta = model._meta
        assert client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_add")).status_code == 403
        row = history[model]
        change = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[row.pk])
        assert client.get(change).status_code == 200  # read-only view
        before = list(model.objects.filter(pk=row.pk).values())
        assert client.post(change, {"note": "rewritten", "context": "rewritten"}).status_code == 403
        assert list(model.objects.filter(pk=row.pk).values()) == before


@pytest.mark.django_db
def test_history_inlines_offer_no_delete_box(client, superuser, history, ale):
    client.force_login(superuser)
    unit_page = client.get(reverse("admin:dealers_inventoryunit_change", args=[history["unit"].pk]))
    campaign_page = client.get(reverse("admin:campaign_campaign_change", args=[ale.pk]))
    assert "events-0-DELETE" not in unit_page.content.decode()
    assert "phase_changes-0-DELETE" not in campaign_page.content.decode()
    assert "Added to inventory" in unit_page.content.decode()  # the events are shown, read-only
    assert InventoryUnit.objects.filter(pk=history["unit"].pk).exists()


@pytest.mark.django_db
def test_an_import_summary_does_not_go_away_with_its_campaign(ale):
    from django.core.files.base import ContentFile

    from campaign.models import VinImport

    vin_import = VinImport(campaign=ale, original_name="list.csv")
    vin_import.source.save("list.csv", ContentFile(b"vin\n"), save=True)
    with pytest.raises(ProtectedError), transaction.atomic():
        Campaign.objects.filter(pk=ale.pk).delete()
    assert VinImport.objects.filter(pk=vin_import.pk).exists()
