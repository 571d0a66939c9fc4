from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    name = "awards"
    verbose_name = _("Results and awards")

    def ready(self):
        from awards import (
            award_dashboard,  # noqa: F401  (the vote and proposal providers)
            dashboard,  # noqa: F401  (registers its dashboard and timeline providers)
            prepared_files,  # noqa: F401  (documents and exports made in the background)
        )
        from awards.audit_labels import ACTION_LABELS
        from awards.services import sheets_for_joined_member
        from clusters.events import on_member_joined
        from core.audit import register_action_labels

        register_action_labels(ACTION_LABELS)
        on_member_joined(sheets_for_joined_member)
