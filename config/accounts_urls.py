from django.contrib.auth import views as auth_views
from django.urls import path

from clusters import otp_views
from clusters.account_forms import LoginForm, SetPasswordForm
from config import views

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/change/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(form_class=SetPasswordForm),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    # The user's own second factor (TOTP).
    path("second-factor/", otp_views.otp_setup, name="otp_setup"),
    path("second-factor/verify/", otp_views.otp_verify, name="otp_verify"),
    path("second-factor/remove/", otp_views.otp_remove, name="otp_remove"),
]
