from django.urls import path

from dealers import views

urlpatterns = [
    path("", views.home, name="home"),
    path("notices/<int:pk>/dismiss/", views.notice_dismiss_view, name="notice-dismiss"),
]
