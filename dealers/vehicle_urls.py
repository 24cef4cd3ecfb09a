from django.urls import path

from dealers import vehicle_views

urlpatterns = [
    path("", vehicle_views.vehicle_record, name="vehicle-record"),
]
