from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.apps import DefaultConfig as TOTPDefaultConfig
from django_tasks_db.apps import TasksAppConfig


class CoreConfig(AppConfig):
    default = True  # the module holds the third-party apps' configurations too
    name = "core"
    verbose_name = _("Shared building blocks")


# The third-party apps the administrators see in the admin, named in their language. Their
# models' and fields' English names are msgids translated in the project's catalogue; where an
# app wrote plain strings (django-otp), the same English is wrapped in gettext_lazy here, so that
# no migration changes (makemigrations compares the untranslated text).


class AxesConfig(AxesAppConfig):
    verbose_name = _("Log-in throttling")


class TasksDatabaseConfig(TasksAppConfig):
    verbose_name = _("Background tasks")


# django-otp's TOTP device: plain English in the package; the field names the admin shows.
TOTP_FIELDS = {
    "user": (_("user"), _("The user that this device belongs to.")),
    "name": (_("name"), _("The human-readable name of this device.")),
    "confirmed": (_("confirmed"), _("Is this device ready for use?")),
    "created_at": (
        _("created at"),
        _("The date and time when this device was initially created in the system."),
    ),
    "last_used_at": (_("last used at"), _("The most recent date and time this device was used.")),
    "key": (_("key"), _("A hex-encoded secret key of up to 40 bytes.")),
    "step": (_("step"), _("The time step in seconds.")),
    "t0": (_("t0"), _("The Unix time at which to begin counting steps.")),
    "digits": (_("digits"), _("The number of digits to expect in a token.")),
    "tolerance": (_("tolerance"), _("The number of time steps in the past or future to allow.")),
    "drift": (
        _("drift"),
        _("The number of time steps the prover is known to deviate from our clock."),
    ),
    "last_t": (
        _("last t"),
        _(
            "The t value of the latest verified token. The next token must be at a higher "
            "time step."
        ),
    ),
    "throttling_failure_timestamp": (
        _("throttling failure timestamp"),
        _("A timestamp of the last failed verification attempt. Null if last attempt succeeded."),
    ),
    "throttling_failure_count": (
        _("throttling failure count"),
        _("Number of successive failed attempts."),
    ),
}


class TOTPConfig(TOTPDefaultConfig):
    verbose_name = _("Second factor")

    def ready(self):
        super().ready()
        model = self.get_model("TOTPDevice")
        model._meta.verbose_name = _("TOTP device")
        model._meta.verbose_name_plural = _("TOTP devices")
        for field in model._meta.fields:
            if field.name in TOTP_FIELDS:
                field.verbose_name, field.help_text = TOTP_FIELDS[field.name]
