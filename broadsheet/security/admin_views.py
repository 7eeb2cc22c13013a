"""Two-step sign-in screens in the Wagtail admin: set up an authenticator, enter its code."""

from base64 import b32encode

import segno
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from broadsheet.security.forms import AuthenticatorCodeForm
from broadsheet.security.selectors import confirmed_totp_device, two_factor_required
from broadsheet.security.services import (
    totp_devices_remove,
    totp_enrolment_confirm,
    totp_enrolment_start,
    totp_sign_in_verify,
)


def two_factor_verify(request):
    """The second step of signing in, for everyone with a confirmed authenticator."""
    if request.user.is_verified() or confirmed_totp_device(request.user) is None:
        return redirect(_next_url(request))
    credentials = {"username": request.user.get_username()}
    if AxesProxyHandler.is_locked(request, credentials):
        return _locked_out(request, credentials)
    form = AuthenticatorCodeForm(request.POST or None)
    if form.is_valid():
        check = totp_sign_in_verify(request=request, code=form.cleaned_data["code"])
        if check.accepted:
            return redirect(_next_url(request))
        if getattr(request, "axes_locked_out", False):
            return _locked_out(request, credentials)
        form.add_error("code", _refusal(check))
    return TemplateResponse(
        request, "security/two_factor_verify.html", {"form": form, "next": _next_url(request)}
    )


def two_factor_enrol(request):
    """Set up an authenticator app, or see that it is on (and turn it off, where allowed)."""
    user = request.user
    required = two_factor_required(user)
    if confirmed_totp_device(user) is not None:
        if not user.is_verified():
            return redirect("two_factor_verify")
        return TemplateResponse(request, "security/two_factor_on.html", {"required": required})
    credentials = {"username": user.get_username()}
    if AxesProxyHandler.is_locked(request, credentials):
        return _locked_out(request, credentials)
    device = totp_enrolment_start(user=user)
    form = AuthenticatorCodeForm(request.POST or None)
    if form.is_valid():
        check = totp_enrolment_confirm(
            request=request, device=device, code=form.cleaned_data["code"]
        )
        if check.accepted:
            messages.success(request, "Two-step sign-in is on: each sign-in now asks for a code.")
            return redirect(_next_url(request))
        if getattr(request, "axes_locked_out", False):
            return _locked_out(request, credentials)
        form.add_error("code", _refusal(check))
    return TemplateResponse(
        request,
        "security/two_factor_enrol.html",
        {
            "form": form,
            "required": required,
            "next": _next_url(request),
            # A data: URI, which the admin's CSP allows for images (img-src data:).
            "qr_code": segno.make(device.config_url, error="m").svg_data_uri(
                scale=5,
                border=2,
                light="#fff",  # readable on the admin's dark theme too
            ),
            "secret": b32encode(device.bin_key).decode(),
        },
    )


@require_POST
def two_factor_disable(request):
    if two_factor_required(request.user) or not request.user.is_verified():
        raise PermissionDenied
    totp_devices_remove(user=request.user)
    messages.success(request, "Two-step sign-in is off.")
    return redirect("two_factor_enrol")


def _refusal(check) -> str:
    if check.throttled:
        return f"Too many wrong codes: wait {check.wait_seconds} s, then enter the code again."
    refusal = "That code did not match, or was already used."
    if check.wait_seconds > 1:
        refusal += f" Wait {check.wait_seconds} s before the next try."
    return refusal


def _locked_out(request, credentials):
    logout(request)
    return get_lockout_response(request, None, credentials)


def _next_url(request) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return reverse("wagtailadmin_home")
