from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    name = "awards"
    verbose_name = _("Results and awards")

    def ready(self):
        from awards import (
            award_dashboard,  # noqa: F401  (the vote and proposal providers)
            dashboard,  # noqa: F401  (registers its dashboard and timeline providers)
        )
