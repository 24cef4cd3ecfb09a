"""The wait-list API under /api/v1/parts/wait-list/ (paths of our own: issue 8 fixes none for it)."""

from django.urls import path

from parts import waitlist_api as api

urlpatterns = [
    path("parts/wait-list/", api.WaitlistListJoin.as_view(), name="api-waitlist"),
    path("parts/wait-list/<int:pk>/withdraw/", api.WaitlistWithdraw.as_view(), name="api-waitlist-withdraw"),
]
