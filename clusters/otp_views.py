"""A user's own second factor: enrol an authenticator app, confirm a code, remove it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from core import otp
from core.views import call_service


def _next_url(request, default="otp_setup"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@login_required
@require_http_methods(["GET", "POST"])
def otp_setup(request):
    device = otp.confirmed_device(request.user)
    if device is not None:
        return render(
            request,
            "accounts/otp_setup.html",
            {"device": device, "remove_form": otp.TokenForm(), "next": _next_url(request, "")},
        )
    pending = otp.pending_device(request.user)
    form = otp.TokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        outcome = call_service(
            request,
            otp.totp_device_confirm,
            form=form,
            device=pending,
            token=form.cleaned_data["token"],
        )
        if outcome:
            otp_login(request, outcome.result)
            messages.success(request, _("Your authenticator app is set up."))
            return redirect(_next_url(request))
    context = {
        "form": form,
        "qr_code": otp.qr_png_data_uri(pending.config_url),
        "secret": otp.secret_b32(pending),
        "next": _next_url(request, ""),
    }
    return render(request, "accounts/otp_setup.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request):
    device = otp.confirmed_device(request.user)
    if device is None:
        return redirect("otp_setup")
    form = otp.TokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        allowed, _why = device.verify_is_allowed()
        if allowed and device.verify_token(form.cleaned_data["token"]):
            otp_login(request, device)
            return redirect(_next_url(request, "dashboard"))
        wrong = _("The code is wrong or has expired. Enter the code shown now.")
        wait = _("Too many wrong codes: wait a few seconds, then try again.")
        form.add_error("token", wrong if allowed else wait)
    return render(
        request,
        "accounts/otp_verify.html",
        {"form": form, "next": _next_url(request, "")},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def otp_remove(request):
    form = otp.TokenForm(request.POST)
    if form.is_valid() and call_service(
        request, otp.totp_device_remove, form=form, token=form.cleaned_data["token"]
    ):
        messages.success(request, _("Your authenticator app was removed."))
        return redirect("otp_setup")
    for errors in form.errors.values():
        messages.error(request, " ".join(errors))
    return redirect("otp_setup")
