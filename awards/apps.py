from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    name = "awards"
    verbose_name = _("Votes and awards")

    def ready(self):
        from awards import (  # noqa: F401  (they register their providers and kinds)
            calendar,
            dashboard,
            prepared_files,
            reminders,
            rollover,
            unit_links,
        )
        from awards.audit_labels import ACTION_LABELS
        from core.audit_labels import register_action_labels

        register_action_labels(ACTION_LABELS)
