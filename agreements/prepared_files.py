"""The agreement's document as a prepared file (core.prepared): rendered by the task worker."""

from django.utils.translation import gettext as _

from agreements import access, document
from agreements.document import download_name
from core.prepared.kinds import Kind, Produced, register


def _produce(agreement, pk):
    return Produced(document.current_pdf(agreement), download_name(agreement))


def _title(agreement, pk):
    return _("The document of %(agreement)s (PDF)") % {"agreement": agreement.title}


DOCUMENT = register(
    Kind(
        key="agreements.document",
        url_name="agreements:document_pdf",
        target=access.get_agreement,
        produce=_produce,
        title=_title,
    )
)
