from django.urls import path

from notifications import api

urlpatterns = [
    path(
        "vehicles/<str:vin>/contact-preference/",
        api.ContactPreferenceView.as_view(),
        name="api-contact-preference",
    ),
]
