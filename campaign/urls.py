from django.urls import path

from campaign import views

urlpatterns = [
    path("", views.public_lookup, name="public-lookup"),
]
