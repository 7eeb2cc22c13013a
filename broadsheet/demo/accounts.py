"""Demo logins for `make run`: created once, with passwords kept outside the repository."""

import json
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model

from broadsheet.desk.roles import CHIEF_EDITORS, EDITORS, WRITERS, desk_roles_ensure


@dataclass(frozen=True)
class DemoLogin:
    role: str
    username: str
    password: str


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
        logins.append(DemoLogin(role=role, username=username, password=known[username]))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(known, indent=2))
    path.chmod(0o600)
    return logins
