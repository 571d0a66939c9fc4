from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResultsConfig(AppConfig):
    name = "results"
    verbose_name = _("Results")

    def ready(self):
        from clusters.events import on_member_joined
        from core.audit_labels import register_action_labels
        from results import (  # noqa: F401  (they register their providers and kinds)
            calendar,
            dashboard,
            prepared_files,
            reminders,
        )
        from results.audit_labels import ACTION_LABELS
        from results.services import sheets_for_joined_member

        register_action_labels(ACTION_LABELS)
        on_member_joined(sheets_for_joined_member)
