"""Digital signatures (chữ ký số) on the agreement: each unit's chair, then the unit itself.

When the digital signing opens, the agreement is rendered once with an empty, named signature
field per expected signature (the chair's, the organisation's, and a closing one). From then on
the file only grows by incremental updates: each signature arrives as a new revision (from a
remote signing provider, from the unit's organisation certificate held by the server, or — next —
from a USB token), is checked against every earlier signature, the trust roots and the
certificate registered for that signer, and is kept with its SHA-256 and who added it. One signer
at a time holds the agreement's turn. After the last one the application closes the file with a
document timestamp (or its own seal).
"""
