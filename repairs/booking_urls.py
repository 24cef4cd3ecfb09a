"""Booking pages under /appointments/."""

from django.urls import path

from repairs import booking_views as views

urlpatterns = [
    path("call-list/", views.call_list, name="booking-call-list"),
    path("book/", views.book, name="booking-book"),
    path("calendar/", views.calendar, name="booking-calendar"),
    path("shop/", views.shop, name="booking-shop"),
    path("shop/closures/", views.closure_add, name="booking-closure-add"),
    path("shop/closures/<int:pk>/remove/", views.closure_remove, name="booking-closure-remove"),
    path("<int:pk>/", views.detail, name="booking-detail"),
    path("<int:pk>/reschedule/", views.reschedule, name="booking-reschedule"),
    path("<int:pk>/cancel/", views.cancel, name="booking-cancel"),
    path("<int:pk>/no-show/", views.no_show, name="booking-no-show"),
]
