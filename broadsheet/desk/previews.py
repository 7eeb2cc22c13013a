"""Shared previews: an editor sends a draft to someone outside the newsroom by link.

Wagtail's own previews stay behind the admin sign-in. A shared link is a random token (256 bits,
never stored in the clear) that shows the page's latest revision until PREVIEW_SHARE_MAX_AGE
passes or an editor revokes it.
"""

import hashlib
import secrets

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from wagtail.log_actions import log
from wagtail.models import Page

from broadsheet.desk.models import PreviewShare


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def can_share_preview(*, page: Page, user) -> bool:
    """Sharing a draft outside the newsroom is an editor's call: those who may publish it."""
    return page.permissions_for_user(user).can_publish()


def preview_shares_active(*, page: Page) -> QuerySet[PreviewShare]:
    """The page's links that still open its draft, newest first."""
    return PreviewShare.objects.filter(
        page=page, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).select_related("created_by")


def preview_share_for_token(token: str) -> PreviewShare | None:
    """The live share a link's token belongs to; None once expired, revoked or never issued."""
    return (
        PreviewShare.objects.filter(
            token_hash=_hash(token), revoked_at__isnull=True, expires_at__gt=timezone.now()
        )
        .select_related("page")
        .first()
    )


def preview_share_create(*, page: Page, user) -> tuple[PreviewShare, str]:
    """A new link to the page's draft; the token is returned once and never kept."""
    token = secrets.token_urlsafe(32)
    share = PreviewShare.objects.create(
        page=page,
        token_hash=_hash(token),
        created_by=user,
        expires_at=timezone.now() + settings.PREVIEW_SHARE_MAX_AGE,
    )
    log(instance=page, action="desk.preview.share", user=user)
    return share, token


def preview_share_revoke(*, share: PreviewShare, user) -> None:
    if share.revoked_at is None:
        share.revoked_at = timezone.now()
        share.save(update_fields=["revoked_at"])
        log(instance=share.page, action="desk.preview.revoke", user=user)
