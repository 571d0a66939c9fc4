from django.urls import include, path

from agreements.signing import views

urlpatterns = [
    # Signatories.
    path("agreements/<int:pk>/sign/", views.sign, name="sign"),
    path("agreements/<int:pk>/decline/", views.decline, name="decline"),
    path("my-signature/", views.saved_signature, name="saved_signature"),
    path("my-signature/delete/", views.saved_signature_delete, name="saved_signature_delete"),
    # The signing status, and the cluster head's and parent staff's actions.
    path("agreements/<int:pk>/signing/", views.signing_status, name="signing"),
    path("agreements/<int:pk>/signing/remind/", views.remind, name="signing_remind"),
    path("agreements/<int:pk>/signing/paper/", views.paper_record, name="paper_record"),
    path("agreements/<int:pk>/signing/close/", views.close, name="signing_close"),
    path("paper-signings/<int:pk>/confirm/", views.paper_confirm, name="paper_confirm"),
    path("paper-signings/<int:pk>/withdraw/", views.paper_withdraw, name="paper_withdraw"),
    path("paper-signings/<int:pk>/contest/", views.paper_contest, name="paper_contest"),
    path("paper-signings/<int:pk>/resolve/", views.paper_resolve, name="paper_resolve"),
    path("paper-signings/<int:pk>/scan/", views.paper_scan, name="paper_scan"),
    # The seal.
    path("agreements/<int:pk>/sealed.pdf", views.sealed_pdf, name="sealed_pdf"),
    path("agreements/<int:pk>/seal/retry/", views.seal_retry, name="seal_retry"),
    # Public verification (no login).
    path("verify/", views.verify, name="verify"),
    path("verify/<str:code>/", views.verify_code, name="verify_code"),
    path("verify/<str:code>/record.pdf", views.signing_record_pdf, name="signing_record_pdf"),
    # Digital signatures.
    path("", include("agreements.signing.digital.urls")),
]
