from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "agreements"
    verbose_name = _("Emulation agreements")

    def ready(self):
        from agreements import (  # noqa: F401  (they register their dashboard providers)
            calendar,  # its events in the users' calendar feeds
            dashboard,
            prepared_files,  # the document, prepared in the background
            reminders,
        )
        from agreements.audit_labels import ACTION_LABELS
        from agreements.signing import dashboard as signing_dashboard  # noqa: F401
        from agreements.signing.selectors import (
            signing_begun_expression,
            signing_begun_message,
            signing_begun_reason,
        )
        from clusters.events import on_signing_mode_change
        from core.audit_labels import register_action_labels

        register_action_labels(ACTION_LABELS)
        on_signing_mode_change(
            signing_begun_reason, expression=signing_begun_expression, reason=signing_begun_message
        )
