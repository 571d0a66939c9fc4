"""Pages of the digital signing: opening it, the signers' turns, remote signing and its return,
the organisation signature with the key held by the server, and the certificates page."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agreements import access as agreement_access
from agreements.signing import access as signing_access
from agreements.signing.digital import access, selectors, services
from agreements.signing.digital.forms import (
    CertificateForm,
    OrganisationKeyForm,
    RefuseForm,
    SealImageForm,
)
from agreements.signing.digital.models import Certificate, DocumentRevision, SignatureSlot
from clusters import access as cluster_access
from clusters.models import Person, Unit
from core.uploads import attachment_response
from core.views import call_service, report_form_errors


def _signing(agreement):
    return reverse("agreements:signing", args=[agreement.pk])


@login_required
@require_POST
def digital_open(request, pk):
    agreement = signing_access.get_agreement_to_run_signing(request.user, pk)
    call_service(
        request,
        services.digital_signing_open,
        success=_("The signing with digital signatures is open: the file is prepared."),
        agreement=agreement,
    )
    return redirect(_signing(agreement))


def _return_url(request):
    return request.build_absolute_uri(reverse("agreements:digital_return"))


@login_required
@require_POST
def digital_sign(request, pk, slot_pk):
    """Ask for a turn on a field; when it comes at once, go on to sign."""
    agreement = agreement_access.get_agreement(request.user, pk)
    slot = access.get_slot_to_sign(request.user, agreement, slot_pk)
    channel = (
        DocumentRevision.Channel.REMOTE
        if slot.kind == SignatureSlot.Kind.PERSONAL
        else DocumentRevision.Channel.SERVER_KEY
    )
    outcome = call_service(
        request, services.turn_request, agreement=agreement, slot=slot, channel=channel
    )
    if not outcome:
        return redirect(_signing(agreement))
    return _go_on(request, outcome.result)


def _go_on(request, turn):
    """An active turn goes on to sign; a waiting one shows its place in line."""
    if turn.state != turn.State.ACTIVE:
        return redirect("agreements:digital_turn", turn.pk)
    if turn.channel == DocumentRevision.Channel.SERVER_KEY:
        call_service(
            request,
            services.organisation_sign,
            success=_("The organisation signature of %(unit)s is on the agreement.")
            % {"unit": turn.slot.unit.short_name},
            turn=turn,
        )
        return redirect(_signing(turn.agreement))
    outcome = call_service(
        request, services.remote_begin, turn=turn, return_url=_return_url(request)
    )
    if not outcome:
        return redirect("agreements:digital_turn", turn.pk)
    return redirect(outcome.result)


@login_required
@require_http_methods(["GET", "POST"])
def digital_turn(request, pk):
    """The signer's turn: place in line (the page asks again every few seconds), then sign."""
    turn = access.get_own_turn(request.user, pk)
    if request.method == "POST":
        if request.POST.get("cancel"):
            call_service(request, services.turn_cancel, turn=turn)
            return redirect(_signing(turn.agreement))
        return _go_on(request, turn)
    services.advance_now(turn.agreement)
    turn.refresh_from_db()
    context = {
        "turn": turn,
        "agreement": turn.agreement,
        "place": selectors.place_in_line(turn),
        "line": selectors.queue(turn.agreement),
    }
    template = "agreements/signing/digital/turn.html"
    if request.htmx:
        return render(request, f"{template}#status", context)
    return render(request, template, context)


@login_required
@require_GET
def digital_return(request):
    """Back from the remote signing service with its answer for the turn in `state`."""
    try:
        turn = access.get_own_turn(request.user, int(request.GET.get("state", "")))
    except ValueError:
        raise Http404 from None
    params = {key: request.GET.get(key, "") for key in ("code", "error", "state")}
    outcome = call_service(
        request,
        services.remote_finish,
        success=_("Your digital signature is on the agreement."),
        turn=turn,
        params=params,
        return_url=_return_url(request),
    )
    if not outcome:
        return redirect("agreements:digital_turn", turn.pk)
    return redirect(_signing(turn.agreement))


@login_required
@require_GET
def digital_file(request, pk):
    """The agreement's file as it stands (its latest revision), for its members."""
    agreement = agreement_access.get_agreement(request.user, pk)
    revision = selectors.latest_revision(agreement)
    if revision is None:
        raise Http404
    return attachment_response(revision.file, f"giao-uoc-{agreement.pk}-ban-{revision.number}.pdf")


# --- certificates ----------------------------------------------------------------------------


def _own_person(user):
    return Person.objects.filter(user=user).first()


def _units_managed(user):
    ids = cluster_access.unit_ids(user)
    staff = cluster_access.staff_parent_ids(user)
    return Unit.objects.filter(pk__in=ids) | Unit.objects.filter(parent_id__in=staff)


@login_required
@require_GET
def certificates(request):
    person = _own_person(request.user)
    units = list(_units_managed(request.user).order_by("name")[:200])
    staff = cluster_access.staff_parent_ids(request.user)
    context = {
        "person": person,
        "own": Certificate.objects.filter(person=person).order_by("-registered_at")
        if person
        else [],
        "form": CertificateForm(),
        "units": units,
        "unit_certificates": Certificate.objects.filter(unit__in=units).select_related("unit"),
        "seal_form": SealImageForm(),
        "key_form": OrganisationKeyForm(),
        "pending": selectors.pending_registrations(staff) if staff else None,
        "refuse_form": RefuseForm(),
    }
    return render(request, "agreements/signing/digital/certificates.html", context)


@login_required
@require_POST
def certificate_register(request):
    person = _own_person(request.user)
    if person is None:
        raise PermissionDenied
    form = CertificateForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["certificate"]
        credential = form.cleaned_data["remote_credential"]
        success = _("The certificate is registered; it counts once a second person confirms it.")
        if upload is not None:
            call_service(
                request,
                services.certificate_register,
                form,
                success=success,
                kind=Certificate.Kind.PERSONAL,
                der=services.certificate_der(upload.read()),
                person=person,
                remote_credential=credential,
            )
        else:
            call_service(
                request,
                services.certificate_register_remote,
                form,
                success=success,
                person=person,
                credential=credential,
            )
    report_form_errors(request, form)
    return redirect("agreements:certificates")


def _managed_unit(request, pk):
    unit = Unit.objects.filter(pk=pk).select_related("parent").first()
    if unit is None or not access.can_manage_unit_keys(request.user, unit):
        raise Http404
    return unit


@login_required
@require_POST
def seal_image_register(request, unit_pk):
    unit = _managed_unit(request, unit_pk)
    form = SealImageForm(request.POST, request.FILES)
    if form.is_valid():
        call_service(
            request,
            services.seal_image_register,
            form,
            success=_("The seal image is registered; it counts once a second person confirms it."),
            unit=unit,
            image=form.cleaned_data["image"].read(),
        )
    report_form_errors(request, form)
    return redirect("agreements:certificates")


@login_required
@require_POST
def organisation_key_install(request, unit_pk):
    unit = _managed_unit(request, unit_pk)
    form = OrganisationKeyForm(request.POST, request.FILES)
    if form.is_valid():
        call_service(
            request,
            services.organisation_key_install,
            form,
            success=_(
                "The organisation key is installed; it is used once a second person confirms it."
            ),
            unit=unit,
            pkcs12_data=form.cleaned_data["pkcs12"].read(),
            password=form.cleaned_data["password"],
        )
    report_form_errors(request, form)
    return redirect("agreements:certificates")


CONFIRMABLE = {
    "certificate": (access.get_certificate_to_confirm, services.certificate_confirm, "certificate"),
    "seal": (access.get_seal_image_to_confirm, services.seal_image_confirm, "seal_image"),
    "key": (
        access.get_organisation_key_to_confirm,
        services.organisation_key_confirm,
        "organisation_key",
    ),
}


@login_required
@require_POST
def registration_confirm(request, kind, pk):
    try:
        get, service, argument = CONFIRMABLE[kind]
    except KeyError:
        raise Http404 from None
    record = get(request.user, pk)
    call_service(request, service, success=_("Confirmed."), **{argument: record})
    return redirect("agreements:certificates")


@login_required
@require_POST
def certificate_refuse(request, pk):
    certificate = access.get_certificate_to_confirm(request.user, pk)
    form = RefuseForm(request.POST)
    if form.is_valid():
        call_service(
            request,
            services.certificate_refuse,
            success=_("Refused."),
            certificate=certificate,
            reason=form.cleaned_data["reason"],
        )
    report_form_errors(request, form)
    return redirect("agreements:certificates")
