"""Staff pages for affected-VIN imports, mounted at /campaigns/ (next to the campaign pages)."""

from django.urls import path

from campaign import import_views as views

urlpatterns = [
    path("<str:code>/imports/", views.vin_import_list, name="vin-import-list"),
    path("<str:code>/imports/<int:pk>/", views.vin_import_detail, name="vin-import-detail"),
    path("<str:code>/imports/<int:pk>/status/", views.vin_import_status, name="vin-import-status"),
    path("<str:code>/imports/<int:pk>/rejects.csv", views.vin_import_rejects, name="vin-import-rejects"),
]
