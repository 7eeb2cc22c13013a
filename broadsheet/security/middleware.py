"""Security headers Django does not set itself (its own set CSP, HSTS, nosniff, referrer)."""

from django.conf import settings


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
