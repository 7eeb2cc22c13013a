"""Two-step sign-in for the newsroom: enrolling an authenticator app and checking its codes."""

from dataclasses import dataclass
from math import ceil

import django_otp
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from broadsheet.security.selectors import confirmed_totp_device, pending_totp_device

DEVICE_NAME = "Authenticator app"


@dataclass(frozen=True)
class CodeCheck:
    accepted: bool
    # Not checked at all: the pause after earlier wrong codes was not over.
    throttled: bool = False
    # Seconds to wait before the next try: django-otp doubles the pause after each wrong code.
    wait_seconds: int = 0


def totp_enrolment_start(*, user) -> TOTPDevice:
    """An unconfirmed device with a fresh secret, or the one already waiting for its code."""
    return pending_totp_device(user) or TOTPDevice.objects.create(
        user=user, name=DEVICE_NAME, confirmed=False
    )


@transaction.atomic
def totp_enrolment_confirm(*, request, device: TOTPDevice, code: str) -> CodeCheck:
    """Confirm the device with a code from the app; the session counts as verified with it."""
    check = _code_check(request=request, device=device, code=code)
    if check.accepted:
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        # One authenticator per person: an older one (a replaced phone) stops working.
        TOTPDevice.objects.devices_for_user(request.user).exclude(pk=device.pk).delete()
        django_otp.login(request, device)
    return check


@transaction.atomic
def totp_sign_in_verify(*, request, code: str) -> CodeCheck:
    """The second step of signing in: a code from the person's confirmed device."""
    device = confirmed_totp_device(request.user)
    if device is None:
        return CodeCheck(accepted=False)
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    check = _code_check(request=request, device=device, code=code)
    if check.accepted:
        django_otp.login(request, device)
    return check


def totp_devices_remove(*, user) -> int:
    """Turn two-step sign-in off for a person (a lost phone); they enrol again from scratch."""
    deleted, _ = TOTPDevice.objects.devices_for_user(user).delete()
    return deleted


def _code_check(*, request, device: TOTPDevice, code: str) -> CodeCheck:
    throttled = not device.verify_is_allowed()[0]
    # verify_token refuses a code used before (device.last_t) and counts each wrong one.
    if not throttled and device.verify_token(code):
        return CodeCheck(accepted=True)
    # A wrong code is a failed sign-in to django-axes too: it counts toward the same per-account
    # and per-address lockout (AXES_FAILURE_LIMIT) as a wrong password.
    user_login_failed.send(
        sender=__name__, credentials={"username": request.user.get_username()}, request=request
    )
    return CodeCheck(accepted=False, throttled=throttled, wait_seconds=_throttle_wait(device))


def _throttle_wait(device: TOTPDevice) -> int:
    allowed, details = device.verify_is_allowed()
    if allowed or not details.get("locked_until"):
        return 0
    return max(1, ceil((details["locked_until"] - timezone.now()).total_seconds()))
