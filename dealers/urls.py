from django.urls import path

from dealers import settings_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("notices/<int:pk>/dismiss/", views.notice_dismiss_view, name="notice-dismiss"),
    path("dealer/settings/", settings_views.dealer_settings, name="dealer-settings"),
]
