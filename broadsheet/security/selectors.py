"""What the admin needs to know about a person's two-step sign-in."""

from django_otp.plugins.otp_totp.models import TOTPDevice

from broadsheet.desk.roles import CHIEF_EDITORS


def two_factor_required(user) -> bool:
    """Chief editors run the outlet's settings and accounts: a stolen password is not enough."""
    return user.groups.filter(name=CHIEF_EDITORS).exists()


def confirmed_totp_device(user) -> TOTPDevice | None:
    """The authenticator app this person signs in with, once they have confirmed it."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("pk").first()


def pending_totp_device(user) -> TOTPDevice | None:
    """The authenticator being set up: its QR code is shown until a code confirms it."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=False).order_by("-pk").first()
