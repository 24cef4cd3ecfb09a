"""Transfer pages under /parts/transfers/."""

from django.urls import path

from parts import transfer_views as views

urlpatterns = [
    path("", views.transfer_list, name="transfer-list"),
    path("new/", views.transfer_request_view, name="transfer-request"),
    path("<int:pk>/", views.transfer_detail, name="transfer-detail"),
    path("<int:pk>/approve/", views.transfer_approve_view, name="transfer-approve"),
    path("<int:pk>/decline/", views.transfer_decline_view, name="transfer-decline"),
    path("<int:pk>/ship/", views.transfer_ship_view, name="transfer-ship"),
    path("<int:pk>/receive/", views.transfer_receive_view, name="transfer-receive"),
    path("<int:pk>/cancel/", views.transfer_cancel_view, name="transfer-cancel"),
]
