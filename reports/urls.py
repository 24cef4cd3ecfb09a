"""The reports pages under /reports/: the completion dashboards, the §573.7 reports, the population."""

from django.urls import path

from reports import dashboard_views, population_views, remedy_views

urlpatterns = [
    path("", dashboard_views.completion_dashboard, name="completion-dashboard"),
    path("campaigns/<str:code>/remedy/", remedy_views.remedy_schedule, name="remedy-report-schedule"),
    path("campaigns/<str:code>/remedy/nhtsa/", remedy_views.remedy_nhtsa_file, name="remedy-report-nhtsa"),
    path("campaigns/<str:code>/remedy/<str:quarter>/", remedy_views.remedy_report, name="remedy-report"),
    path(
        "campaigns/<str:code>/remedy/reports/<int:number>/submit/",
        remedy_views.remedy_report_submit_view,
        name="remedy-report-submit",
    ),
    path("campaigns/<str:code>/population/", population_views.population_page, name="population"),
    path(
        "campaigns/<str:code>/population/remove/",
        population_views.population_remove,
        name="population-remove",
    ),
    path(
        "campaigns/<str:code>/population/import/",
        population_views.population_removal_import,
        name="population-removal-import",
    ),
    path(
        "campaigns/<str:code>/population/imports/<int:pk>/rejects/",
        population_views.population_removal_rejects,
        name="population-removal-rejects",
    ),
]
