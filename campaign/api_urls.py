from django.urls import path

from campaign import api

urlpatterns = [
    path("vins/<str:vin>/", api.VinRecallsView.as_view(), name="api-vin-recalls"),
]
