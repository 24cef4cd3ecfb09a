"""The reports API under /api/v1/ (the path is fixed by issue #10)."""

from django.urls import path

from reports import remedy_api

urlpatterns = [
    path(
        "campaigns/<str:code>/remedy-report/", remedy_api.RemedyReportView.as_view(), name="api-remedy-report"
    ),
]
