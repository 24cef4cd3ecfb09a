"""The stock API under /api/v1/ (paths fixed by issue #8)."""

from django.urls import path

from parts import stock_api as api

urlpatterns = [
    path("parts/stock/", api.StockList.as_view(), name="api-parts-stock"),
    path("parts/receipts/", api.ReceiptCreate.as_view(), name="api-parts-receipts"),
    path("parts/adjustments/", api.AdjustmentCreate.as_view(), name="api-parts-adjustments"),
]
