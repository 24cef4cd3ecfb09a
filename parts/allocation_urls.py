"""Allocation pages under /parts/allocations/."""

from django.urls import path

from parts import allocation_views as views

urlpatterns = [
    path("", views.allocation_list, name="allocation-list"),
    path("new/", views.allocation_new, name="allocation-new"),
    path("<int:pk>/", views.allocation_detail, name="allocation-detail"),
    path("<int:pk>/lines/", views.allocation_lines_view, name="allocation-lines"),
    path("<int:pk>/confirm/", views.allocation_confirm_view, name="allocation-confirm"),
    path("<int:pk>/discard/", views.allocation_discard_view, name="allocation-discard"),
]
