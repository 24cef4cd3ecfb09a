"""The dealer's inbound shipments under /parts/inbound/ (read-only: receiving is the stock pages')."""

from django.urls import path

from parts import allocation_views as views

urlpatterns = [
    path("", views.inbound_list, name="inbound-list"),
]
