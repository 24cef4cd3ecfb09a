"""Sign-in, sign-out, password change and reset: Django's views with this project's templates.

Lock-out after repeated failures is django-axes (settings: AXES_*; dealers/lockout.py), which
wraps the authentication these views perform; password reset is throttled per address and per
account (dealers/password_reset.py); sign-out is POST only (Django 5).
"""

from django.contrib.auth import views as auth_views
from django.urls import path

from dealers.forms import SignInForm
from dealers.password_reset import ThrottledPasswordResetView

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(authentication_form=SignInForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("password/reset/", ThrottledPasswordResetView.as_view(), name="password_reset"),
    path("password/reset/done/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]
