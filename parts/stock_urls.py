"""Stock pages under /parts/stock/."""

from django.urls import path

from parts import stock_views as views

urlpatterns = [
    path("", views.stock_list, name="parts-stock"),
    path("receive/", views.receive, name="parts-stock-receive"),
    path("adjust/", views.adjust, name="parts-stock-adjust"),
    path("<int:kit_id>/", views.kit_ledger, name="parts-stock-kit"),
]
