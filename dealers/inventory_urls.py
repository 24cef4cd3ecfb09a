from django.urls import path

from dealers import inventory_views as views

urlpatterns = [
    path("", views.inventory_list, name="inventory-list"),
    path("add/", views.inventory_add_view, name="inventory-add"),
    path("upload/", views.inventory_upload, name="inventory-upload"),
    path("upload/rejects/<str:token>/", views.inventory_upload_rejects, name="inventory-upload-rejects"),
    path("held/", views.inventory_held, name="inventory-held"),
    path("<int:pk>/", views.inventory_detail, name="inventory-detail"),
    path("<int:pk>/deliver/", views.inventory_deliver_view, name="inventory-deliver"),
]
