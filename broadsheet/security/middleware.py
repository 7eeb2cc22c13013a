"""Security headers Django does not set itself (its own set CSP, HSTS, nosniff, referrer), and
the gate that holds the admin until a signed-in person has passed two-step sign-in."""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse

from broadsheet.security.selectors import confirmed_totp_device, two_factor_required


class SecurityHeadersMiddleware:
    """Add Permissions-Policy to every response, and give the admin its own CSP.

    Reader pages get settings.SECURE_CSP (no script at all). Wagtail's admin runs inline script
    and styles of its own, so it gets ADMIN_CSP, which still forbids framing, plugins and foreign
    form targets.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.permissions_policy = ", ".join(
            f"{feature}=()" for feature in settings.PERMISSIONS_POLICY_DENIED
        )

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        if request.path.startswith(settings.ADMIN_PATH_PREFIXES):
            response._csp_config = settings.ADMIN_CSP
        return response


class TwoFactorMiddleware:
    """Hold the admin back until a signed-in person has passed their second step.

    Someone with a confirmed authenticator is sent to enter a code; a chief editor without one is
    sent to set it up and can open nothing else in the admin meanwhile. Runs after django-otp's
    OTPMiddleware, which tells whether this session was verified with a device.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.path.startswith(settings.ADMIN_PATH_PREFIXES)
            and request.user.is_authenticated
            and not request.user.is_verified()
        ):
            destination = self._second_step(request)
            if destination and request.path not in {destination, *_always_open()}:
                return redirect_to_login(request.get_full_path(), destination, "next")
        return self.get_response(request)

    def _second_step(self, request):
        if confirmed_totp_device(request.user) is not None:
            return reverse("two_factor_verify")
        if two_factor_required(request.user):
            return reverse("two_factor_enrol")
        return None


def _always_open():
    # Signing out stays reachable, and so do the script catalogue and icon sprite that every admin
    # page (the code pages too) fetches; neither holds anything about the newsroom.
    return {
        reverse(name)
        for name in (
            "wagtailadmin_logout",
            "wagtailadmin_javascript_catalog",
            "wagtailadmin_sprite",
        )
    }
