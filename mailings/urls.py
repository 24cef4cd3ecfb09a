"""The mailing pages, mounted at /mailings/."""

from django.urls import path

from mailings import returns_views, views

urlpatterns = [
    path("", views.mailing_home, name="mailing-home"),
    path("all/", views.mailing_list, name="mailing-list"),
    path("new/", views.mailing_new, name="mailing-new"),
    path(
        "preview/<str:code>/<str:kind>.<str:fmt>",
        views.mailing_preview,
        name="mailing-preview",
    ),
    path("<int:pk>/", views.mailing_detail, name="mailing-detail"),
    path("<int:pk>/status/", views.mailing_status, name="mailing-status"),
    path("<int:pk>/package.zip", views.mailing_package, name="mailing-package"),
    path("<int:pk>/resume/", views.mailing_resume_view, name="mailing-resume"),
    path("returned/", returns_views.returned_mail_upload, name="returned-mail-upload"),
    path("returned/<int:pk>/", returns_views.returned_mail_detail, name="returned-mail-detail"),
    path("returned/<int:pk>/rejects.csv", returns_views.returned_mail_rejects, name="returned-mail-rejects"),
    path("owner-not-located/", returns_views.owner_not_located, name="owner-not-located"),
]
