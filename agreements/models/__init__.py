"""The agreements app's models.

Django reads an app's models from its `models` module: the signing package's models are
imported here so that they belong to the `agreements` app (their tables keep their names).
"""

from agreements.models.agreement import (
    EDITABLE,
    IN_FORCE,
    Agreement,
    Comment,
    Criterion,
    Revision,
    Section,
    content_sha256,
)
from agreements.models.conference import Conference, Guest
from agreements.signing.digital.models import (
    Certificate,
    DocumentRevision,
    OrganisationKey,
    SealImage,
    SignatureSlot,
    SigningRecord,
    Turn,
)
from agreements.signing.models import (
    Decline,
    PaperSigning,
    SavedSignature,
    Seal,
    Signature,
    SigningClosure,
)

__all__ = [
    "Certificate",
    "DocumentRevision",
    "OrganisationKey",
    "SealImage",
    "SignatureSlot",
    "SigningRecord",
    "Turn",
    "EDITABLE",
    "IN_FORCE",
    "Agreement",
    "Comment",
    "Conference",
    "Criterion",
    "Decline",
    "Guest",
    "PaperSigning",
    "Revision",
    "SavedSignature",
    "Seal",
    "Section",
    "Signature",
    "SigningClosure",
    "content_sha256",
]
