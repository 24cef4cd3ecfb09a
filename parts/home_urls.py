from django.urls import path

from parts.navigation import parts_home

urlpatterns = [path("", parts_home, name="parts-home")]
