from django.urls import path

from campaign import views

urlpatterns = [
    path("recalls/", views.public_lookup, name="public-lookup"),
]
