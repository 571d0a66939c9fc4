"""Signing pages: sign, decline, the signing status, paper signing, closing, the seal, verification.

The verification pages are public (no login): anyone holding the sealed PDF or its QR code may
check it. Uploads there are size-capped, rate-limited per client address and parsed in a
time-limited process.
"""

import base64
import contextlib
import datetime
import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agreements import access as agreement_access
from agreements.content import criterion_from_data
from agreements.document import criterion_reading
from agreements.signing import access, selectors, services, verification
from agreements.signing.digital import access as digital_access
from agreements.signing.digital import selectors as digital_selectors
from agreements.signing.forms import (
    CloseSigningForm,
    DeclineForm,
    PaperSigningForm,
    SavedSignatureForm,
    SignForm,
    VerifyForm,
)
from agreements.signing.models import SavedSignature, Seal, Signature
from clusters import access as cluster_access
from clusters.models import signature_block
from core import throttling
from core.compiled import compiled
from core.errors import DomainError
from core.middleware import client_address
from core.otp import second_factor_required
from core.uploads import attachment_response
from core.views import call_service


def png_data_uri(data):
    return "data:image/png;base64," + base64.b64encode(bytes(data)).decode("ascii") if data else ""


def _frozen_content(agreement):
    """The adopted content as it was hashed (its canonical JSON), for reading."""
    try:
        data = json.loads(agreement.canonical_content) if agreement.canonical_content else {}
    except ValueError:
        return {}
    with contextlib.suppress(KeyError, TypeError, ValueError):
        data["date"] = datetime.date.fromisoformat(data["date"]).strftime("%d/%m/%Y")
    for section in data.get("sections", []):
        for criterion in section.get("criteria", []):
            criterion["reading"] = criterion_reading(criterion_from_data(criterion))
    return data


METHOD_LABELS = dict(Signature.Method.choices)


def signed_at_text(moment):
    """A time as the signing panel writes it: `{{ moment|date:"d/m/Y H:i" }}` (local time)."""
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M") if moment else ""


def status_context(user, agreement):
    """The context of "agreements/signing/_status.html" (the signing status panel)."""
    rows = selectors.signing_rows(agreement)
    for row in rows:
        row.image_uri = png_data_uri(row.signature.image) if row.signature else ""
        # What the panel writes of each signature, made here once per row: the template's date
        # filter and get_method_display cost several times more (profiled on 11 rows).
        if row.signature is not None:
            row.signed_at_text = signed_at_text(row.signature.signed_at)
            row.method_label = METHOD_LABELS.get(row.signature.method, row.signature.method)
    # Read with the agreement on its pages (agreements.access.PAGE_RELATED), else queried here.
    seal = getattr(agreement, "seal", None)
    closure = getattr(agreement, "signing_closure", None)
    can_run = access.can_run_signing(user, agreement)
    staff = access.can_close_signing(user, agreement)
    signer_units = cluster_access.signer_unit_ids(user)
    signable = access.signable_units(user, agreement, rows=rows)
    return {
        "agreement": agreement,
        "signing_rows": rows,
        "signed_count": sum(1 for r in rows if r.has_signed),
        "member_count": len(rows),
        "seal": seal,
        "closure": closure,
        "signable_units": signable,
        "can_run_signing": can_run and agreement.status in selectors.OPEN_FOR_SIGNING,
        "can_close_signing": staff and agreement.status in selectors.OPEN_FOR_SIGNING,
        "can_retry_seal": seal is not None
        and seal.status == Seal.Status.FAILED
        and access.can_retry_seal(user, agreement),
        "confirmable_papers": [
            r.paper
            for r in rows
            if r.awaiting_confirmation
            and not r.paper.is_contested
            and r.paper.recorded_by_id != user.pk
            and (r.unit_id in signer_units or (staff and not r.paper.in_contest_period()))
        ],
        "contestable_papers": [
            r.paper
            for r in rows
            if r.awaiting_confirmation
            and r.unit_id in signer_units
            and r.paper.contested_at is None
            and r.paper.in_contest_period()
        ],
        "resolvable_papers": [
            r.paper
            for r in rows
            if r.awaiting_confirmation
            and staff
            and r.paper.is_contested
            and user.pk not in (r.paper.recorded_by_id, r.paper.contested_by_id)
        ],
        "can_see_declines": can_run or staff or bool(signable),
    }


# --- signing -------------------------------------------------------------------------------


def _signer_preview(user, units):
    """Name, position and signature block of the user for each unit they may sign for."""
    previews = []
    for unit in units:
        position = selectors.signer_position(user, unit)
        if position is None:
            continue
        previews.append(
            {
                "unit": unit,
                "name": position.person.full_name,
                "position": selectors.POSITION_NAMES.get(position.title, ""),
                "block": signature_block(unit, position.title),
            }
        )
    return previews


# A user with an authenticator confirms a code before signing or declining; a signatory without
# one enrols first when OTP_REQUIRED_FOR_SIGNATORIES is on.
second_factor = second_factor_required(
    cluster_access.is_signatory,
    verify_message=gettext_lazy("Enter the code of your authenticator app to sign."),
    enrol_message=gettext_lazy(
        "Signatories need a second factor: set up an authenticator app to sign."
    ),
)


@login_required
@second_factor
@require_http_methods(["GET", "POST"])
def sign(request, pk):
    agreement = access.get_agreement_to_sign(request.user, pk)
    units = access.signable_units(request.user, agreement)
    saved = SavedSignature.objects.filter(user=request.user).first()
    form = None
    status = 200
    if units:
        form = SignForm(
            request.POST or None,
            request=request,
            units=units,
            has_saved=saved is not None,
            initial={"content_hash": agreement.content_hash},
        )
        try:  # the password typed again: a pair locked by wrong ones gets the lockout page
            throttling.require_password_allowed(request, request.user)
            valid = request.method == "POST" and form.is_valid()
        except throttling.PasswordLocked as locked:
            return locked.response()
        if request.method == "POST":
            if valid:
                data = form.cleaned_data
                outcome = call_service(
                    request,
                    services.signature_sign,
                    form,
                    agreement=agreement,
                    unit=data["unit"],
                    method=data["method"],
                    content_hash=data["content_hash"],
                    image=data["image"],
                    save_for_later=data["save_for_later"],
                )
                if outcome:
                    messages.success(
                        request,
                        _("You signed the agreement for %(unit)s.")
                        % {"unit": outcome.result.unit_name},
                    )
                    return redirect("agreements:signing", agreement.pk)
            status = 400
    elif request.method == "POST":
        try:
            services.require_open(agreement)
            messages.error(request, _("Your units have already signed this agreement."))
        except DomainError as error:
            messages.error(request, error.messages[0])
        return redirect("agreements:signing", agreement.pk)
    closed_reason = ""
    try:
        services.require_open(agreement)
    except DomainError as error:
        closed_reason = error.messages[0]
    context = {
        "agreement": agreement,
        "content": _frozen_content(agreement),
        "form": form,
        "decline_form": DeclineForm(units=units) if units else None,
        "previews": _signer_preview(request.user, units),
        "saved_image": png_data_uri(saved.image) if saved else "",
        "closed_reason": closed_reason,
        "cluster_year": agreement.cluster_year,
    }
    return render(request, "agreements/signing/sign.html", context, status=status)


@login_required
@second_factor
@require_POST
def decline(request, pk):
    agreement = access.get_agreement_to_sign(request.user, pk)
    units = access.signable_units(request.user, agreement)
    form = DeclineForm(request.POST, units=units)
    if form.is_valid():
        outcome = call_service(
            request,
            services.signature_decline,
            form,
            agreement=agreement,
            unit=form.cleaned_data["unit"],
            reason=form.cleaned_data["reason"],
        )
        if outcome:
            messages.info(request, _("Your refusal and its reason were sent to the cluster head."))
            return redirect("agreements:signing", agreement.pk)
    for error in form.errors.values():
        messages.error(request, " ".join(error))
    return redirect("agreements:sign", agreement.pk)


@login_required
@require_http_methods(["GET", "POST"])
def saved_signature(request):
    saved = SavedSignature.objects.filter(user=request.user).first()
    form = SavedSignatureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = call_service(
            request,
            services.saved_signature_save,
            form,
            image=form.cleaned_data["image"],
        )
        if outcome:
            messages.success(request, _("Your signature was saved."))
            return redirect("agreements:saved_signature")
    context = {"form": form, "saved_image": png_data_uri(saved.image) if saved else ""}
    status = 400 if request.method == "POST" else 200
    return render(request, "agreements/signing/saved_signature.html", context, status=status)


@login_required
@require_POST
def saved_signature_delete(request):
    services.saved_signature_delete(actor=request.user)
    messages.info(request, _("Your saved signature was deleted."))
    return redirect("agreements:saved_signature")


# --- the signing status and the actions on it ----------------------------------------------


@compiled
def _status_agreement(pk):
    return agreement_access.agreements_with(
        agreement_access.PAGE_RELATED,
        {**selectors.DIGITALLY_BEGUN, "digital_slots": digital_selectors.slots_json()},
    ).filter(pk=pk)


@login_required
@require_GET
def signing_status(request, pk):
    agreement = agreement_access.get_agreement(request.user, pk, read=_status_agreement)
    if agreement.is_template:
        raise Http404
    context = status_context(request.user, agreement)
    if context["can_run_signing"]:
        context["paper_form"] = _paper_form(agreement, rows=context["signing_rows"])
    if context["can_close_signing"]:
        context["close_form"] = CloseSigningForm()
    if request.htmx:
        return render(request, "agreements/signing/_status.html", context)
    context["digital"] = digital_context(request.user, agreement, context)
    return render(request, "agreements/signing/status.html", context)


def digital_context(user, agreement, context):
    """The digital signing panel: each unit's fields, who signed them, what the viewer may do.
    A unit that signed otherwise (simply, or on paper: mixed mode) shows how instead."""
    # Simply signed agreements have no file to sign digitally, hence no fields (the way it is
    # signed cannot change once the signing has begun).
    simple = agreement.signing_mode == agreement.SigningMode.SIMPLE
    # The fields were read with the agreement (`_status_agreement`).
    rows = (
        [] if simple else digital_selectors.slot_rows_from_json(agreement, agreement.digital_slots)
    )
    if not rows:
        can_open = (
            context["can_run_signing"]
            and agreement.status == agreement.Status.ADOPTED
            and context["signed_count"] == 0
            and agreement.signing_mode != agreement.SigningMode.SIMPLE
        )
        return {"can_open": can_open, "mode": agreement.get_signing_mode_display(), "units": []}
    signer_units = cluster_access.signer_unit_ids(user)
    is_open = agreement.status in selectors.OPEN_FOR_SIGNING
    filled = {row.slot.unit_id for row in rows if row.revision and row.slot.kind == "personal"}
    # The user's clerk positions matter only for a unit's organisation field, once its chair
    # signed, while the signing is open: read them only then.
    clerk_units = (
        digital_access.clerk_unit_ids(user)
        if is_open
        and any(
            row.slot.kind == "organisation" and row.revision is None and row.slot.unit_id in filled
            for row in rows
        )
        else set()
    )
    otherwise = {
        row.unit_id: row.signature
        for row in context["signing_rows"]
        if row.signature is not None and row.signature.method != row.signature.Method.DIGITAL
    }
    units = {}
    for row in rows:
        if row.slot.kind == "closing":
            continue
        row.can_sign = (
            is_open
            and row.revision is None
            and row.slot.unit_id not in otherwise
            and (
                (row.slot.kind == "personal" and row.slot.unit_id in signer_units)
                or (
                    row.slot.kind == "organisation"
                    and row.slot.unit_id in clerk_units
                    and row.slot.unit_id in filled
                )
            )
        )
        entry = units.setdefault(
            row.slot.unit_id,
            {"unit": row.slot.unit, "fields": [], "otherwise": otherwise.get(row.slot.unit_id)},
        )
        entry["fields"].append(row)
    return {"units": list(units.values()), "mode": agreement.get_signing_mode_display()}


def _paper_form(agreement, data=None, files=None, rows=None):
    if rows is None:
        rows = selectors.signing_rows(agreement)
    units = [r.unit_id for r in rows if not r.has_signed and r.paper is None]
    memberships = {m.unit_id: m.unit for m in agreement.cluster_year.memberships.all()}
    return PaperSigningForm(
        data, files, units=[memberships[pk] for pk in units if pk in memberships]
    )


@login_required
@require_POST
def remind(request, pk):
    agreement = access.get_agreement_to_run_signing(request.user, pk)
    outcome = call_service(request, services.signing_remind, agreement=agreement)
    if outcome:
        messages.success(
            request, _("A reminder was sent to %(count)s signatories.") % {"count": outcome.result}
        )
    return redirect("agreements:signing", agreement.pk)


@login_required
@require_http_methods(["GET", "POST"])
def paper_record(request, pk):
    agreement = access.get_agreement_to_run_signing(request.user, pk)
    form = _paper_form(agreement, request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        outcome = call_service(
            request,
            services.paper_signing_record,
            form,
            agreement=agreement,
            units=form.cleaned_data["units"],
            scan=form.cleaned_data["scan"],
        )
        if outcome:
            messages.success(
                request,
                _("Paper signing recorded for %(count)s units; each counts once confirmed.")
                % {"count": len(outcome.result)},
            )
            return redirect("agreements:signing", agreement.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "agreements/signing/paper_form.html",
        {"agreement": agreement, "form": form},
        status=status,
    )


@login_required
@require_POST
def paper_confirm(request, pk):
    paper = access.get_paper_signing_to_confirm(request.user, pk)
    call_service(
        request,
        services.paper_signing_confirm,
        success=_("The paper signing of %(unit)s is confirmed.") % {"unit": paper.unit_name},
        paper=paper,
    )
    return redirect("agreements:signing", paper.agreement.pk)


@login_required
@require_POST
def paper_contest(request, pk):
    """The unit's signatory contests a paper signing recorded in the unit's name."""
    paper = access.get_paper_signing_to_contest(request.user, pk)
    call_service(
        request,
        services.paper_signing_contest,
        success=_("The paper signing is contested; the parent body's staff will resolve it."),
        paper=paper,
        reason=request.POST.get("reason", ""),
    )
    return redirect("agreements:signing", paper.agreement.pk)


@login_required
@require_POST
def paper_resolve(request, pk):
    """Parent staff resolve a contested paper signing: it stands, or it is annulled."""
    paper = access.get_paper_signing_to_resolve(request.user, pk)
    call_service(
        request,
        services.paper_signing_resolve,
        success=_("The contested paper signing is resolved."),
        paper=paper,
        uphold=request.POST.get("decision") == "uphold",
        reason=request.POST.get("reason", ""),
    )
    return redirect("agreements:signing", paper.agreement.pk)


@login_required
@require_POST
def paper_withdraw(request, pk):
    paper = access.get_paper_signing_to_withdraw(request.user, pk)
    if call_service(request, services.paper_signing_withdraw, paper=paper):
        messages.info(request, _("The paper signing was withdrawn."))
    return redirect("agreements:signing", paper.agreement.pk)


@login_required
@require_GET
def paper_scan(request, pk):
    paper = access.get_paper_signing(request.user, pk)
    return attachment_response(paper.scan, f"ban-giay-{paper.agreement.pk}-{paper.unit_id}.pdf")


@login_required
@require_http_methods(["GET", "POST"])
def close(request, pk):
    agreement = access.get_agreement_to_close(request.user, pk)
    form = CloseSigningForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = call_service(
            request,
            services.signing_close,
            form,
            agreement=agreement,
            reason=form.cleaned_data["reason"],
        )
        if outcome:
            messages.success(request, _("The signing is closed; the agreement is being sealed."))
            return redirect("agreements:signing", agreement.pk)
    rows = [r for r in selectors.signing_rows(agreement) if not r.has_signed]
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "agreements/signing/close.html",
        {"agreement": agreement, "form": form, "unsigned": rows},
        status=status,
    )


# --- the seal ------------------------------------------------------------------------------


@login_required
@require_GET
def sealed_pdf(request, pk):
    agreement = agreement_access.get_agreement(request.user, pk)
    seal = Seal.objects.filter(agreement=agreement, status=Seal.Status.SEALED).first()
    if seal is None or not seal.file:
        raise Http404
    return attachment_response(seal.file, f"giao-uoc-{agreement.pk}-da-ky.pdf")


@login_required
@require_POST
def seal_retry(request, pk):
    agreement = access.get_agreement_to_retry_seal(request.user, pk)
    if call_service(request, services.seal_retry, agreement=agreement):
        messages.info(request, _("The sealing was started again."))
    return redirect("agreements:signing", agreement.pk)


# --- public verification -------------------------------------------------------------------


def _check_upload(request, expected=None):
    """Bind the upload form and check the PDF; return (form, result, status).

    Oversized bodies and too many attempts are refused before the body is read; a file that
    holds too much, before it is parsed; when other files are being checked, "busy" (503).
    """
    if request.method != "POST":
        return VerifyForm(), None, 200
    limit = settings.VERIFY_MAX_BYTES
    length = request.META.get("CONTENT_LENGTH") or "0"
    if length.isdigit() and int(length) > limit + 64 * 1024:
        messages.error(
            request,
            _("The file is too large; the limit is %(limit)s MB.") % {"limit": limit // 1048576},
        )
        return VerifyForm(), None, 413
    if not verification.allow_attempt(client_address(request)):
        messages.error(request, _("Too many checks from your address. Try again in a few minutes."))
        return VerifyForm(), None, 429
    form = VerifyForm(request.POST, request.FILES)
    if not form.is_valid():
        return form, None, 400
    try:
        return form, verification.verify_upload(form.cleaned_data["file"], expected=expected), 200
    except verification.Busy:
        messages.error(
            request,
            _("Another file is being checked right now. Please try again in a few seconds."),
        )
        return form, None, 503


BUSY_RETRY_SECONDS = 5


def _answered(response):
    """A "busy" answer says when to try again."""
    if response.status_code == 503:
        response["Retry-After"] = str(BUSY_RETRY_SECONDS)
    return response


def _public_signers(seal):
    rows = selectors.signing_rows(seal.agreement)
    return [r for r in rows if r.has_signed], [r for r in rows if not r.has_signed]


@require_http_methods(["GET", "POST"])
def verify(request):
    form, result, status = _check_upload(request)
    return _answered(
        render(
            request,
            "agreements/signing/verify.html",
            {"form": form, "result": result},
            status=status,
        )
    )


@require_http_methods(["GET", "POST"])
def verify_code(request, code):
    seal = get_object_or_404(
        Seal.objects.select_related(
            "agreement__cluster_year__cluster__parent", "agreement__signing_closure"
        ),
        verification_code=code,
        status=Seal.Status.SEALED,
    )
    form, result, status = _check_upload(request, expected=seal)
    signed, unsigned = _public_signers(seal)
    context = {
        "seal": seal,
        "agreement": seal.agreement,
        "signed_rows": signed,
        "unsigned_rows": unsigned,
        "closure": getattr(seal.agreement, "signing_closure", None),
        "form": form,
        "result": result,
        "digital_rows": [
            row for row in digital_selectors.slot_rows(seal.agreement) if row.revision is not None
        ],
        "verify_url": request.build_absolute_uri(
            reverse("agreements:verify_code", args=[seal.verification_code])
        ),
    }
    return _answered(render(request, "agreements/signing/verify_code.html", context, status=status))


@require_GET
def signing_record_pdf(request, code):
    """The signing record of a digitally signed agreement, for whoever holds its code."""
    seal = get_object_or_404(Seal, verification_code=code, status=Seal.Status.SEALED)
    record = getattr(seal.agreement, "signing_record", None)
    if record is None:
        raise Http404
    return attachment_response(record.file, f"thong-tin-ky-so-{seal.agreement_id}.pdf")
