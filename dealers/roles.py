"""What each role may do: one Django ``Group`` per role, holding that role's permissions.

WHICH objects a user sees is ``dealers.access`` (dealer A's staff never see dealer B's
rows); WHAT they may do with them is here. A view checks both: the permission (403
when the role may not do this at all) and then the scope (404 for a stranger's object).

Membership → group membership is kept in step by ``dealers.services`` (grant, revoke,
``user_groups_sync``); the groups themselves by ``role_groups_sync`` (run by migration
0003 and after every ``migrate``, so a flushed test database gets them back).

Permission (app.codename)              principal service parts pre-owned regional admin
-------------------------------------- --------- ------- ----- --------- -------- -----
campaign.view_campaign                     x        x      x       x        x       x
campaign.view_campaigndocument             x        x      x       x        x       x
campaign.view_vehicle  (VIN check)         x        x      x       x        x       x
campaign.view_affectedvehicle              x        x                       x       x
dealers.view_owner_data (owner contact)    x        x                       x       x
dealers.view_servicingdealer               x        x                       x       x
dealers.view_inventoryunit                 x                       x        x       x
dealers.view_inventoryevent                x                       x        x       x
dealers.add_inventoryunit                                          x
dealers.change_inventoryunit (deliver…)                            x
dealers.view_dealer                        x        x      x       x        x       x
dealers.view_dealernotice                  x        x      x       x
dealers.change_dealernotice (dismiss)      x        x      x       x
dealers.view_region (regional dashboard)                                    x       x
campaign.add_vinimport / view_vinimport                                             x
campaign.add/change/delete_campaigndocument                                         x
campaign.change_campaign                                                            x
campaign.change_campaign_phase                                                      x
dealers.view_ownerdataaccess (audit log)                                            x
admin: every other add/change/view permission of the campaign and dealers apps      x

Repairs (issue 7)                      principal service parts pre-owned regional admin warranty
-------------------------------------- --------- ------- ----- --------- -------- ----- --------
repairs.view_appointment / repairorder     x        x      x                x       x      x
repairs.add/change_appointment (book…)              x
repairs.view/change_shophours, shopclosure x        x
repairs.add/change_repairorder (check-in, complete) x
repairs.view_warrantyclaim                 x        x                       x       x      x
repairs.add/change_warrantyclaim (submit, resubmit) x
repairs.review_warrantyclaim                                                               x
repairs.view_outcomechange                 x        x                       x       x      x
repairs.record_outcome (elsewhere, not needed)      x
repairs.set_unreachable                                                     x       x
repairs.undo_outcome                                x                       x       x
repairs.view/review_reimbursementrequest                                                   x
dealers.view_dealer_settings               x        x
dealers.change_dealer_time_zone                     x

Parts (issue 8)                        principal service parts pre-owned regional admin
-------------------------------------- --------- ------- ----- --------- -------- -----
parts.view_stockbalance / stockmovement    x        x      x                x       x
parts.view_inboundshipment                 x        x      x                x       x
parts.receive_stock, parts.adjust_stock                    x
parts.view_kitreservation (wait-list)      x        x      x                x       x
parts.add/change_kitreservation (join…)             x      x
parts.view_partsarrivednotice (to call)    x        x      x
parts.change_partsarrivednotice (called)            x
parts.view_transfer                        x               x                x       x
parts.add_transfer (request)                               x
parts.approve_transfer                                     x                x
parts.change_transfer (ship, receive)                      x
parts.view_allocation                                                       x       x
parts.add_allocation (allocate supply)                                      x       x
parts.view_parts_dashboard                 x               x                x       x

Reports (issue 10)                     principal service parts pre-owned regional admin
-------------------------------------- --------- ------- ----- --------- -------- -----
reports.view_completion_dashboard          x        x                       x       x
reports.view_remedy_report (§573.7)                                         x       x
reports.submit_remedy_report                                                        x
reports.remove_from_population                                                      x

Notifications (issue 9)                principal service parts pre-owned regional admin
-------------------------------------- --------- ------- ----- --------- -------- -----
notifications.view_message (the log)       x        x                       x       x
notifications.view_contactpreference       x        x                       x       x
notifications.change_contactpreference              x

Owner letters (issue 9)                principal service parts pre-owned regional admin warranty
-------------------------------------- --------- ------- ----- --------- -------- ----- --------
mailings.view_mailing / add_mailing                                                 x
mailings.view_returnedmail (owner not located)                              x       x
mailings.add_returnedmail (return files)                                            x

Notes on the choices:
- Any dealer role may check any VIN's eligibility (owners walk into any dealer), but
  owner name and contact details need ``dealers.view_owner_data`` AND the vehicle's
  servicing dealer in scope.
- The dealer principal oversees everything at the dealership but does not keep the
  pre-owned inventory: adding units and marking deliveries stays with the pre-owned
  manager, whose actions the stop-sale trail records.
- Parts managers need the campaign phase and its parts documents, not owner data.
- The campaign administrator is national and runs the campaign: imports, documents,
  phase changes and Django admin (``is_staff`` is set for demo administrators).
"""

from __future__ import annotations

from dealers.models import Membership

Role = Membership.Role

# Permissions the project defines beyond Django's model defaults:
# (app_label, model, codename, name). Created by ``role_groups_sync``.
CUSTOM_PERMISSIONS: tuple[tuple[str, str, str, str], ...] = (
    ("dealers", "servicingdealer", "view_owner_data", "Can view vehicle owner name and contact details"),
    ("campaign", "campaign", "change_campaign_phase", "Can move a campaign to another phase"),
    (
        "dealers",
        "dealer",
        "view_dealer_settings",
        "Can view the dealer's settings page (time zone, claim rates)",
    ),
    ("dealers", "dealer", "change_dealer_time_zone", "Can set the dealer's time zone"),
    ("parts", "stockbalance", "receive_stock", "Can receive kits into the dealer's stock"),
    ("parts", "stockbalance", "adjust_stock", "Can adjust the dealer's stock (cycle count, damage)"),
    ("parts", "stockbalance", "view_parts_dashboard", "Can view the parts dashboard"),
    ("parts", "transfer", "approve_transfer", "Can approve or decline a transfer of kits"),
)

_EVERY_DEALER_ROLE = (
    "campaign.view_campaign",
    "campaign.view_campaigndocument",
    "campaign.view_vehicle",
    "dealers.view_dealer",
    "dealers.view_dealernotice",
    "dealers.change_dealernotice",
)
_SERVICE = (
    "campaign.view_affectedvehicle",
    "dealers.view_owner_data",
    "dealers.view_servicingdealer",
)
_INVENTORY_READ = ("dealers.view_inventoryunit", "dealers.view_inventoryevent")
_REPAIRS_READ = (
    "repairs.view_appointment",
    "repairs.view_repairorder",
    "repairs.view_warrantyclaim",
    "repairs.view_outcomechange",
)
_SHOP_READ = ("repairs.view_shophours", "repairs.view_shopclosure")
_SERVICE_WRITE = (
    "repairs.add_appointment",
    "repairs.change_appointment",
    "repairs.change_shophours",
    "repairs.add_shopclosure",
    "repairs.delete_shopclosure",
    "repairs.add_repairorder",
    "repairs.change_repairorder",
    "repairs.add_warrantyclaim",
    "repairs.change_warrantyclaim",
    "repairs.record_outcome",
    "repairs.undo_outcome",
)
_PARTS_READ = (
    "parts.view_stockbalance",
    "parts.view_stockmovement",
    "parts.view_inboundshipment",
    "parts.view_kitreservation",
)
_WAITLIST_WRITE = ("parts.add_kitreservation", "parts.change_kitreservation")
_PARTS_WRITE = (
    "parts.receive_stock",
    "parts.adjust_stock",
    "parts.view_transfer",
    "parts.add_transfer",
    "parts.approve_transfer",
    "parts.change_transfer",
    "parts.view_partsarrivednotice",
    "parts.view_parts_dashboard",
)
_PARTS_PLANNING = (
    "parts.view_transfer",
    "parts.approve_transfer",
    "parts.view_allocation",
    "parts.add_allocation",
    "parts.view_parts_dashboard",
)
# The dealer settings page (dealers.settings_views): the principal reads it, the service manager sets the zone.
# The message log and the owner's contact preference (notifications): readers, and service staff who set it.
_MESSAGES_READ = ("notifications.view_message", "notifications.view_contactpreference")
_DEALER_SETTINGS_READ = ("dealers.view_dealer_settings",)
_DEALER_SETTINGS_WRITE = ("dealers.view_dealer_settings", "dealers.change_dealer_time_zone")
_INVENTORY_WRITE = ("dealers.add_inventoryunit", "dealers.change_inventoryunit")

ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    Role.DEALER_PRINCIPAL: (
        *_EVERY_DEALER_ROLE,
        *_SERVICE,
        *_INVENTORY_READ,
        *_REPAIRS_READ,
        *_SHOP_READ,
        *_DEALER_SETTINGS_READ,
        *_PARTS_READ,
        "parts.view_partsarrivednotice",
        "parts.view_transfer",
        "parts.view_parts_dashboard",
        "reports.view_completion_dashboard",
        *_MESSAGES_READ,
    ),
    Role.SERVICE_MANAGER: (
        *_EVERY_DEALER_ROLE,
        *_SERVICE,
        *_REPAIRS_READ,
        *_SHOP_READ,
        *_SERVICE_WRITE,
        *_DEALER_SETTINGS_WRITE,
        *_PARTS_READ,
        *_WAITLIST_WRITE,
        "parts.view_partsarrivednotice",
        "parts.change_partsarrivednotice",
        "reports.view_completion_dashboard",
        *_MESSAGES_READ,
        "notifications.change_contactpreference",
    ),
    Role.PARTS_MANAGER: (
        *_EVERY_DEALER_ROLE,
        "repairs.view_appointment",
        "repairs.view_repairorder",
        *_PARTS_READ,
        *_WAITLIST_WRITE,
        *_PARTS_WRITE,
    ),
    Role.PREOWNED_MANAGER: (*_EVERY_DEALER_ROLE, *_INVENTORY_READ, *_INVENTORY_WRITE),
    Role.REGIONAL_STAFF: (
        "campaign.view_campaign",
        "campaign.view_campaigndocument",
        "campaign.view_vehicle",
        "dealers.view_dealer",
        "dealers.view_region",
        *_SERVICE,
        *_INVENTORY_READ,
        *_REPAIRS_READ,
        "repairs.set_unreachable",
        "repairs.undo_outcome",
        *_PARTS_READ,
        *_PARTS_PLANNING,
        "reports.view_completion_dashboard",
        "reports.view_remedy_report",
        *_MESSAGES_READ,
        "mailings.view_returnedmail",
    ),
    # The administrator's list is completed by ``admin_model_permissions``: every model
    # permission of the campaign and dealers apps (it runs Django admin for both).
    Role.CAMPAIGN_ADMIN: (
        "campaign.view_campaign",
        "campaign.change_campaign",
        "campaign.change_campaign_phase",
        "campaign.view_campaigndocument",
        "campaign.add_campaigndocument",
        "campaign.change_campaigndocument",
        "campaign.delete_campaigndocument",
        "campaign.view_vinimport",
        "campaign.add_vinimport",
        "campaign.view_vehicle",
        "campaign.view_affectedvehicle",
        "dealers.view_region",
        "dealers.view_dealer",
        "dealers.view_owner_data",
        "dealers.view_servicingdealer",
        "dealers.view_ownerdataaccess",
        *_INVENTORY_READ,
        *_REPAIRS_READ,
        "repairs.set_unreachable",
        "repairs.undo_outcome",
        *_PARTS_READ,
        *_PARTS_PLANNING,
        "reports.view_completion_dashboard",
        "reports.view_remedy_report",
        "reports.submit_remedy_report",
        "reports.remove_from_population",
        *_MESSAGES_READ,
        "mailings.view_mailing",
        "mailings.add_mailing",
        "mailings.view_returnedmail",
        "mailings.add_returnedmail",
    ),
    # National: adjudicates claims and owner reimbursements; sees what a claim rests on.
    Role.WARRANTY_ADMIN: (
        "campaign.view_campaign",
        "campaign.view_campaigndocument",
        "campaign.view_vehicle",
        "dealers.view_dealer",
        *_REPAIRS_READ,
        "repairs.review_warrantyclaim",
        "repairs.view_reimbursementrequest",
        "repairs.review_reimbursementrequest",
    ),
}

# Apps whose every model permission the campaign administrator also holds (Django admin).
ADMIN_APPS = ("campaign", "dealers")
# Except these: the audit trail of owner-data views is append-only, even for administrators.
ADMIN_EXCLUDED = (
    "dealers.add_ownerdataaccess",
    "dealers.change_ownerdataaccess",
    "dealers.delete_ownerdataaccess",
    # The dealer settings page is the dealer's; administrators set rates and zones in Django admin.
    "dealers.view_dealer_settings",
    "dealers.change_dealer_time_zone",
)


def group_name(role: str) -> str:
    """The Group that carries a role's permissions: its label, e.g. 'Service manager'."""
    return Role(role).label


def role_permissions(role: str) -> tuple[str, ...]:
    return ROLE_PERMISSIONS[Role(role)]
