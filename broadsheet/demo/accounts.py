"""Demo logins for `make run`: created once, with passwords kept outside the repository."""

import json
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model


@dataclass(frozen=True)
class DemoLogin:
    role: str
    username: str
    password: str


DEMO_ACCOUNTS = [("Chief editor (superuser)", "admin", "admin@example.org")]


def demo_logins_path() -> Path:
    return Path(settings.VAR_DIR) / "demo-logins.json"


def demo_accounts_ensure() -> list[DemoLogin]:
    """Create the demo accounts that do not exist yet; return every demo login."""
    path = demo_logins_path()
    known = json.loads(path.read_text()) if path.exists() else {}
    User = get_user_model()
    logins = []
    for role, username, email in DEMO_ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is None or username not in known:
            password = secrets.token_urlsafe(12)
            if user is None:
                user = User.objects.create_superuser(
                    username=username, email=email, password=password
                )
            else:
                user.set_password(password)
                user.save(update_fields=["password"])
            known[username] = password
        logins.append(DemoLogin(role=role, username=username, password=known[username]))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(known, indent=2))
    path.chmod(0o600)
    return logins
