"""Demo logins for `make run`: created once, with passwords kept outside the repository."""

import json
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice

from broadsheet.desk.roles import CHIEF_EDITORS, EDITORS, WRITERS, desk_roles_ensure
from broadsheet.security.selectors import confirmed_totp_device, two_factor_required

# The secrets of the demo's authenticators sit in the logins file beside the passwords, so
# `manage.py demo_totp_code` can give the second step to whoever can read that file.
TOTP_KEYS = "totp_keys"


@dataclass(frozen=True)
class DemoLogin:
    role: str
    username: str
    password: str
    # Set for accounts that sign in with a code too (chief editors): `demo_totp_code USERNAME`.
    two_step: bool = False


# (role shown, username, group); the administrator is a superuser outside the desk's roles.
DEMO_ACCOUNTS = [
    ("Administrator (superuser)", "admin", None),
    ("Chief editor", "chief", CHIEF_EDITORS),
    ("Editor", "editor", EDITORS),
    ("Writer", "writer", WRITERS),
]


def demo_logins_path() -> Path:
    return Path(settings.VAR_DIR) / "demo-logins.json"


def demo_accounts_ensure() -> list[DemoLogin]:
    """Create the demo accounts that do not exist yet; return every demo login."""
    path = demo_logins_path()
    known = json.loads(path.read_text()) if path.exists() else {}
    User = get_user_model()
    groups = desk_roles_ensure()
    logins = []
    for role, username, group in DEMO_ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is None or username not in known:
            password = secrets.token_urlsafe(12)
            if user is None:
                email = f"{username}@newsroom.example"
                if group is None:
                    user = User.objects.create_superuser(username, email, password)
                else:
                    user = User.objects.create_user(username, email, password)
            else:
                user.set_password(password)
                user.save(update_fields=["password"])
            known[username] = password
        if group is not None:
            user.groups.set([groups[group]])
        two_step = two_factor_required(user) and _demo_authenticator_ensure(user, known)
        logins.append(
            DemoLogin(role=role, username=username, password=known[username], two_step=two_step)
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(known, indent=2))
    path.chmod(0o600)
    return logins


def _demo_authenticator_ensure(user, known: dict) -> bool:
    """Give a demo chief editor a confirmed authenticator whose secret the demo keeps.

    False when the person has set up their own app in the admin: its secret is theirs alone.
    """
    keys = known.setdefault(TOTP_KEYS, {})
    device = confirmed_totp_device(user)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Demo authenticator", confirmed=True)
        keys[user.username] = device.key
    return keys.get(user.username) == device.key


def demo_totp_key(username: str) -> str | None:
    """The demo's copy of an account's authenticator secret, while it is still that account's."""
    path = demo_logins_path()
    key = json.loads(path.read_text()).get(TOTP_KEYS, {}).get(username) if path.exists() else None
    user = get_user_model().objects.filter(username=username).first()
    device = confirmed_totp_device(user) if user else None
    return key if device is not None and device.key == key else None
