"""The names people read for the audit actions of results."""

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "result_rules.save": _("Scoring rules saved"),
    "period.open": _("Review opened"),
    "period.update": _("Review changed"),
    "period.lock": _("Results locked"),
    "assessment.save": _("Self-assessment saved"),
    "assessment.import": _("Self-assessment imported"),
    "assessment.submit": _("Self-assessment submitted"),
    "assessment.return": _("Self-assessment returned"),
    "assessment.accept": _("Self-assessment accepted"),
    "assessment.reopen": _("Self-assessment reopened"),
    "assessment.create": _("Sheet made for a unit that joined"),
    "assessment.transfer": _("Sheet carried on by the successor"),
    "assessment.assign_peer": _("Cross-review assigned"),
    "score.adjust": _("Score adjusted"),
    "evidence.add": _("Evidence attached"),
    "evidence.remove": _("Evidence removed"),
    "practice.create": _("Good practice added"),
    "practice.update": _("Good practice changed"),
    "practice.publish": _("Good practice published"),
    "practice.unpublish": _("Good practice withdrawn"),
    "practice.feature": _("Good practice featured"),
    "practice.unfeature": _("Good practice no longer featured"),
    "practice.file_add": _("File attached"),
    "practice.file_remove": _("File removed"),
}
