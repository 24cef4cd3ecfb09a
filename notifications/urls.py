from django.urls import path

from notifications import views

urlpatterns = [
    path("", views.message_log, name="notifications-messages"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="notifications-unsubscribe"),
    path("preference/<str:vin>/", views.preference_set, name="notifications-preference"),
]
