from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClustersConfig(AppConfig):
    name = "clusters"
    verbose_name = _("Units and clusters")

    def ready(self):
        from clusters import dashboard  # noqa: F401  (registers its dashboard provider)
        from clusters.audit_labels import ACTION_LABELS
        from core.audit_labels import register_action_labels

        register_action_labels(ACTION_LABELS)
