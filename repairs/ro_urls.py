"""Repair-order pages under /repair-orders/, and the outcome forms of the vehicle record."""

from django.urls import path

from repairs import ro_views

urlpatterns = [
    path("", ro_views.repair_order_list, name="repair-order-list"),
    path("walk-in/", ro_views.repair_order_walk_in_view, name="repair-order-walk-in"),
    path("check-in/<int:appointment_pk>/", ro_views.repair_order_check_in_view, name="repair-order-check-in"),
    path("<int:pk>/", ro_views.repair_order_detail, name="repair-order-detail"),
    path("<int:pk>/start/", ro_views.repair_order_start_view, name="repair-order-start"),
    path("<int:pk>/cancel/", ro_views.repair_order_cancel_view, name="repair-order-cancel"),
    path("<int:pk>/complete/", ro_views.repair_order_complete_view, name="repair-order-complete"),
    path(
        "outcomes/<int:entry_pk>/remedied-elsewhere/",
        ro_views.outcome_remedied_elsewhere_view,
        name="outcome-remedied-elsewhere",
    ),
    path("outcomes/<int:entry_pk>/not-needed/", ro_views.outcome_not_needed_view, name="outcome-not-needed"),
    path(
        "outcomes/<int:entry_pk>/unreachable/", ro_views.outcome_unreachable_view, name="outcome-unreachable"
    ),
    path("outcomes/<int:entry_pk>/undo/", ro_views.outcome_undo_view, name="outcome-undo"),
]
