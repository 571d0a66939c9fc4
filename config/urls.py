from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from clusters.accounts import views as account_views
from clusters.accounts.forms import LoginForm, SetPasswordForm
from config import views
from core.calendar import views as calendar_views
from core.health import health
from core.notifications import views as notification_views
from core.prepared.views import job_detail, job_download

# Each user's own log-in, password and second factor.
auth_urlpatterns = [
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
    path("second-factor/", account_views.otp_setup, name="otp_setup"),
    path("second-factor/verify/", account_views.otp_verify, name="otp_verify"),
    path("second-factor/remove/", account_views.otp_remove, name="otp_remove"),
]

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("health/", health, name="health"),
    path("files/<int:pk>/", job_detail, name="prepared_file"),
    path("files/<int:pk>/download/", job_download, name="prepared_file_download"),
    path("calendar/", calendar_views.calendar_settings, name="calendar_settings"),
    path("calendar/<str:token>.ics", calendar_views.calendar_feed, name="calendar_feed"),
    path("notifications/", notification_views.notification_list, name="notifications"),
    path(
        "notifications/<int:pk>/open/",
        notification_views.notification_open,
        name="notification_open",
    ),
    path(
        "notifications/read-all/",
        notification_views.notification_read_all,
        name="notifications_read_all",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include(auth_urlpatterns)),
    path("people/", include("clusters.accounts.urls")),
    path("", include("clusters.urls")),
    path("", include("agreements.urls")),
    path("", include("results.urls")),
    path("", include("awards.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "config.views.error_403"
handler404 = "config.views.error_404"
handler500 = "config.views.error_500"
