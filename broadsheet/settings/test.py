"""Test settings: only what makes the suite faster or isolated."""

import os

from broadsheet.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
WAGTAILADMIN_BASE_URL = "http://testserver"
ALLOWED_HOSTS = ["*"]

# A test database of this run's own, so that two runs on one machine (a developer's and CI's)
# never share one; Django drops it when the run ends.
_database = DATABASES["default"]  # noqa: F405
if _database["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory: the worker tests start a real `desk_worker` process on the same data.
    _database["TEST"] = {"NAME": str(VAR_DIR / f"test-broadsheet-{os.getpid()}.sqlite3")}  # noqa: F405
else:
    _database["TEST"] = {"NAME": f"test_{_database['NAME']}_{os.getpid()}"}

# Search indexing and reference updates run inline, so a test sees them without a worker;
# tests/desk/test_worker.py runs the real worker process for what it owns.
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "QUEUES": TASK_QUEUES,  # noqa: F405
    }
}

# A developer's real bot token must never reach the channel from a test; tests/distribution
# points these at a fake Bot API on loopback.
TELEGRAM_BOT_TOKEN = ""
TELEGRAM_CHANNEL = ""
TELEGRAM_API_URL = "http://127.0.0.1:9"

# A page kept from one request would answer the next after a test changes data behind the
# publishing path; tests/caching turns the page cache on where it is the subject.
PAGE_CACHE = False
WAGTAILFRONTENDCACHE = {}
