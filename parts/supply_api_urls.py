"""The parts supply API under /api/v1/parts/: transfers and inbound shipments."""

from django.urls import path

from parts import supply_api as api

urlpatterns = [
    path("parts/transfers/", api.TransferListCreate.as_view(), name="api-transfer-list"),
    path("parts/transfers/<int:pk>/", api.TransferDetail.as_view(), name="api-transfer-detail"),
    path("parts/transfers/<int:pk>/approve/", api.TransferApprove.as_view(), name="api-transfer-approve"),
    path("parts/transfers/<int:pk>/decline/", api.TransferDecline.as_view(), name="api-transfer-decline"),
    path("parts/transfers/<int:pk>/ship/", api.TransferShip.as_view(), name="api-transfer-ship"),
    path("parts/transfers/<int:pk>/receive/", api.TransferReceive.as_view(), name="api-transfer-receive"),
    path("parts/transfers/<int:pk>/cancel/", api.TransferCancel.as_view(), name="api-transfer-cancel"),
    path("parts/inbound/", api.InboundList.as_view(), name="api-inbound-list"),
]
