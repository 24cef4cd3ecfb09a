"""Wait-list pages under /parts/wait-list/."""

from django.urls import path

from parts import waitlist_views as views

urlpatterns = [
    path("", views.waitlist, name="waitlist"),
    path("join/", views.join, name="waitlist-join"),
    path("<int:pk>/withdraw/", views.withdraw, name="waitlist-withdraw"),
    path("to-call/", views.to_call, name="waitlist-to-call"),
    path("to-call/<int:pk>/called/", views.called, name="waitlist-called"),
]
