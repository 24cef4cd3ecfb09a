from django.urls import path

from campaign import staff_views as views

urlpatterns = [
    path("", views.campaign_list, name="campaign-list"),
    path("<str:code>/", views.campaign_detail, name="campaign-detail"),
    path("<str:code>/documents/", views.campaign_document_upload, name="campaign-document-upload"),
    path(
        "<str:code>/documents/<int:pk>/", views.campaign_document_download, name="campaign-document-download"
    ),
    path("<str:code>/phase/", views.campaign_phase_advance_view, name="campaign-phase-advance"),
]
