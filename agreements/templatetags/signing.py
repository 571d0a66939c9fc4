"""{% signing_status agreement %}: the signing status panel, for any page showing an agreement."""

from django import template

from agreements.signing.views import status_context

register = template.Library()

SIGNING_STATUSES = ("adopted", "signing", "signed", "sealed", "superseded")


@register.inclusion_tag("agreements/signing/_status.html", takes_context=True)
def signing_status(context, agreement):
    """Who has signed and who has not, the seal, and the actions the viewer may take."""
    if agreement.is_template or agreement.status not in SIGNING_STATUSES:
        return {"hidden": True}
    request = context["request"]
    return {**status_context(request.user, agreement), "csrf_token": context.get("csrf_token")}
