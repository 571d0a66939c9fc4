"""The agreement's document as a prepared file (core.prepared): rendered by the task worker."""

from django.http import Http404
from django.utils.translation import gettext as _

from agreements import access, document
from agreements.document import download_name
from agreements.models import Agreement
from core.prepared.kinds import Kind, Produced, register


def _produce(agreement, pk):
    return Produced(document.current_pdf(agreement), download_name(agreement))


def _title(agreement, pk):
    return _("The document of %(agreement)s (PDF)") % {"agreement": agreement.title}


# Word is offered until the first signature: a signed agreement is never offered as Word.
WORD_STATUSES = {Agreement.Status.DRAFT, Agreement.Status.CIRCULATED, Agreement.Status.ADOPTED}


def _word_target(user, pk):
    agreement = access.get_agreement(user, pk)
    if agreement.status not in WORD_STATUSES:
        raise Http404
    return agreement


def _produce_docx(agreement, pk):
    name = download_name(agreement).removesuffix(".pdf") + ".docx"
    return Produced(document.render_agreement_docx(agreement), name)


DOCUMENT_DOCX = register(
    Kind(
        key="agreements.document_docx",
        url_name="agreements:document_docx",
        target=_word_target,
        produce=_produce_docx,
        title=lambda agreement, pk: (
            _("The document of %(agreement)s (Word)") % {"agreement": agreement.title}
        ),
    )
)

DOCUMENT = register(
    Kind(
        key="agreements.document",
        url_name="agreements:document_pdf",
        target=access.get_agreement,
        produce=_produce,
        title=_title,
    )
)
