from django.urls import path

from agreements.signing.digital import views

urlpatterns = [
    path("agreements/<int:pk>/digital/open/", views.digital_open, name="digital_open"),
    path(
        "agreements/<int:pk>/digital/fields/<int:slot_pk>/sign/",
        views.digital_sign,
        name="digital_sign",
    ),
    path("agreements/<int:pk>/digital/file.pdf", views.digital_file, name="digital_file"),
    path("signing-turns/<int:pk>/", views.digital_turn, name="digital_turn"),
    path("remote-signing/return/", views.digital_return, name="digital_return"),
    path("certificates/", views.certificates, name="certificates"),
    path("certificates/register/", views.certificate_register, name="certificate_register"),
    path("certificates/<int:pk>/refuse/", views.certificate_refuse, name="certificate_refuse"),
    path(
        "confirmations/<str:kind>/<int:pk>/",
        views.registration_confirm,
        name="registration_confirm",
    ),
    path("units/<int:unit_pk>/seal-image/", views.seal_image_register, name="seal_image_register"),
    path(
        "units/<int:unit_pk>/organisation-key/",
        views.organisation_key_install,
        name="organisation_key_install",
    ),
]
