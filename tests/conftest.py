import os
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.core.files.images import ImageFile
from django.db import connection, connections
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image as PillowImage
from playwright.sync_api import sync_playwright
from wagtail.images import get_image_model
from wagtail.images.models import AbstractImage
from wagtail.models import Site

from broadsheet.articles.factories import ArticlePageFactory
from broadsheet.articles.models import ArticlePage
from broadsheet.authors.factories import AuthorFactory
from broadsheet.authors.models import Author, AuthorLink
from broadsheet.caching.memo import memo
from broadsheet.core.models import OutletSettings
from broadsheet.desk.models import Correction
from broadsheet.desk.roles import desk_roles_ensure
from broadsheet.experts.factories import ExpertFactory
from broadsheet.experts.models import Expert
from broadsheet.sections.factories import SectionPageFactory
from broadsheet.sections.models import SectionPage
from broadsheet.topics.factories import TopicFactory
from broadsheet.topics.models import Topic

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parent.parent
UTC = ZoneInfo("UTC")


def page_wait_until(page, expression: str, *, timeout: float = 15.0) -> bool:
    """Poll `expression` in the page until it is true (or `timeout` seconds pass); whether it was.

    Playwright's wait_for_function would do this in the page with eval(), which a reader page's
    Content-Security-Policy forbids: it works only when the first look already succeeds.
    evaluate() is exempt from the policy.
    """
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            return False
        page.wait_for_timeout(50)
    return True


def outlet_today():
    """Today on the outlet's clock, as the day archive counts days. The test process runs in UTC,
    and between 20:00 and midnight UTC it is already tomorrow in an outlet four hours ahead."""
    from broadsheet.core.outlet import outlet_settings

    return timezone.localdate(timezone=outlet_settings().zone)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploads and renditions go to a throwaway folder, never var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"
    # Wagtail caches renditions by image id, and ids come round again after a rollback: a cached
    # rendition would point into an earlier test's folder.
    for cache in caches.all():
        cache.clear()
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def reader_memo_forgotten():
    """What a web process keeps between requests (caching/memo.py) is of one test's database."""
    yield
    memo().forget()


def make_image(title: str, *, size=(1600, 900), colour=(60, 90, 120)) -> AbstractImage:
    """A real Wagtail image, wider than the widest rendition the templates ask for (1280)."""
    buffer = BytesIO()
    PillowImage.new("RGB", size, colour).save(buffer, format="JPEG")
    name = f"{title.lower().replace(' ', '-')}.jpg"
    return get_image_model().objects.create(title=title, file=ImageFile(buffer, name=name))


@dataclass
class Newsroom:
    outlet: OutletSettings
    image: AbstractImage
    sections: dict[str, SectionPage] = field(default_factory=dict)
    authors: list[Author] = field(default_factory=list)
    experts: list[Expert] = field(default_factory=list)
    topics: list[Topic] = field(default_factory=list)
    articles: list[ArticlePage] = field(default_factory=list)
    interview: ArticlePage | None = None
    republished: ArticlePage | None = None
    photo_story: ArticlePage | None = None


# Three days of news (two ordinary days, then the interview's), stored in UTC and shown in the
# outlet's Asia/Baku (UTC+4); every story falls on the same calendar day in both.
NEWS_DAYS = (datetime(2024, 6, 20, tzinfo=UTC), datetime(2024, 6, 21, tzinfo=UTC))
INTERVIEW_PUBLISHED_AT = datetime(2024, 6, 22, 14, 24, tzinfo=UTC)  # 22 June 2024 - 18:24 in Baku

BODY_OF_EVERY_KIND = [
    ("paragraph", "<p>Negotiators met on Monday in the capital to <b>review</b> the treaty.</p>"),
    ("heading", "A dry summer ahead"),
    (
        "quote",
        {
            "text": "We will keep talking.\nThe river belongs to all of us.",
            "speaker": "Ana Ruiz",
            "role": "Minister of Water Resources",
        },
    ),
    (
        "question_answer",
        {
            "question": "Is the treaty at risk this year?",
            "answer": "<p>Yes, unless both sides agree on the <i>summer quota</i>.</p>",
        },
    ),
    (
        "question_answer",
        {
            "question": "What would a compromise look like?",
            "answer": "<p>A shared gauge at the border and monthly data.</p>",
        },
    ),
    ("pull_quote", {"text": "The river belongs to all of us."}),
    (
        "video",
        {
            "url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "title": "The dam at dawn",
            "caption": "The reservoir in early June.",
        },
    ),
    ("paragraph", "<p>Talks resume in July.</p>"),
]


@pytest.fixture
def newsroom(db):
    """A small but complete newsroom: every reader page type has something to show."""
    site = Site.objects.get(is_default_site=True)
    outlet, _ = OutletSettings.objects.update_or_create(
        site=site,
        defaults={
            "outlet_name": "Broadsheet",
            "tagline": "News and analysis from the region",
            "telegram_channel_url": "https://t.me/broadsheet_news",
            "youtube_channel_url": "https://www.youtube.com/@broadsheet",
        },
    )
    room = Newsroom(outlet=outlet, image=make_image("Reservoir at dawn"))
    for title, intro in (
        ("Politics", "Parliament, parties and the people who run them."),
        ("Economy", "Money, trade and work."),
        ("Interviews", "Long conversations with people who know."),
    ):
        room.sections[title.lower()] = SectionPageFactory(title=title, intro=intro)

    room.authors = [
        AuthorFactory(name="Aytan Quell", role="Political correspondent", bio="Covers parliament."),
        AuthorFactory(name="Omar Vey", role="Economy editor"),
        AuthorFactory(name="Lale Dorn", role="Interviews editor", photo=make_image("Lale Dorn")),
        AuthorFactory(name="Rustam Ibe", role="Reporter"),
    ]
    AuthorLink.objects.create(
        author=room.authors[0], label="Telegram", url="https://t.me/aytan_quell", sort_order=0
    )
    room.experts = [
        ExpertFactory(name="Lena Marsh", country="Georgia", nationality="Georgian"),
        ExpertFactory(name="Piotr Zale", institution="", photo=make_image("Piotr Zale")),
        ExpertFactory(name="Nadia Orr", role="Economist", bio="Studies regional trade."),
        ExpertFactory(name="Kamal Teyn", nationality="", role="Historian"),
    ]
    water = TopicFactory(name="Water security", description="Rivers, dams and who gets the water.")
    georgia = TopicFactory(name="Georgia", kind=Topic.Kind.COUNTRY)
    ruiz = TopicFactory(name="Ana Ruiz", kind=Topic.Kind.PERSON)
    energy = TopicFactory(name="Energy", description="Gas, oil and the grid.")
    room.topics = [
        water,
        georgia,
        TopicFactory(name="Armenia", kind=Topic.Kind.COUNTRY),
        TopicFactory(
            name="OSCE",
            kind=Topic.Kind.ORGANISATION,
            aliases="Organization for Security and Co-operation in Europe",
        ),
        ruiz,
        energy,
    ]
    politics, economy, interviews = room.sections.values()

    def publish(parent, moment, **kwargs):
        article = ArticlePageFactory(parent=parent, first_published_at=moment, **kwargs)
        room.articles.append(article)
        return article

    # Two earlier days of ordinary news: eleven stories a day, on the hour from 06:00 UTC.
    kinds = ["news", "analysis", "opinion", "news", "feature", "review"]
    for day_number, day in enumerate(NEWS_DAYS):
        for hour in range(11):
            number = day_number * 11 + hour
            section = (politics, economy, interviews)[number % 3]
            publish(
                section,
                day.replace(hour=6 + hour),
                title=f"{section.title} story {number + 1} from the desk",
                slug=f"{section.slug}-story-{number + 1}",
                kind=kinds[number % len(kinds)],
                authors=[room.authors[number % 4]],
                topics=[room.topics[number % 6], room.topics[(number + 1) % 6]],
                experts=[room.experts[number % 4]] if number % 2 else [],
                deck=f"Why story {number + 1} matters to readers",
            )

    day = INTERVIEW_PUBLISHED_AT
    room.republished = publish(
        economy,
        day.replace(hour=9, minute=5),
        title="Pipeline tariffs rise for the third time",
        slug="pipeline-tariffs-rise",
        kind="republished",
        label="Partner outlets",
        second_line="Article by Mirza Hale",
        source_name="Caspian Herald",
        source_url="https://caspian-herald.example/pipeline-tariffs",
        topics=[energy, georgia],
        authors=[room.authors[1]],
    )
    room.photo_story = publish(
        politics,
        day.replace(hour=11, minute=40),
        title="Crowds line the river embankment",
        slug="crowds-line-the-embankment",
        kind="news",
        second_line="PHOTO",
        has_photo=True,
        lead_image=room.image,
        lead_image_caption="The embankment at noon.",
        lead_image_credit="Broadsheet / Rustam Ibe",
        topics=[water],
        authors=[room.authors[3]],
        is_top_story=True,
    )
    room.interview = publish(
        interviews,
        INTERVIEW_PUBLISHED_AT,
        title="Will the river treaty survive a dry summer?",
        slug="river-treaty",
        kind="interview",
        deck="Regional expert Lena Marsh talks to Broadsheet",
        authors=[room.authors[2], room.authors[0]],
        experts=[room.experts[0], room.experts[2]],
        topics=[water, georgia, ruiz],
        lead_image=room.image,
        lead_image_caption="The reservoir above the dam.",
        lead_image_credit="Broadsheet",
        is_top_story=True,
        body=BODY_OF_EVERY_KIND
        + [("image", {"image": room.image, "caption": "The gauge.", "credit": "Broadsheet"})],
    )
    room.interview.corrections.add(
        Correction(
            kind="correction",
            text="An earlier version gave the wrong year for the treaty.",
            noted_at=INTERVIEW_PUBLISHED_AT + timedelta(hours=2),
        )
    )
    room.interview.save_revision().publish()
    return room


@pytest.fixture(scope="session")
def browser():
    """One headless Debian Chromium for the whole run, shared by every browser test.

    It lives here, not in tests/browser/conftest.py, because tests/quality uses it too and a
    second `sync_playwright()` in the same thread refuses to start.
    """
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is not installed: run `make browser`."
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with pytest.MonkeyPatch.context() as patch:
        # Playwright's sync API keeps an asyncio loop running in the main thread, so Django
        # takes every ORM call from a test or fixture for one made inside async code and raises
        # SynchronousOnlyOperation. Nothing here is async: the loop only drives the browser.
        # https://docs.djangoproject.com/en/stable/topics/async/#async-safety
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        established = {alias: connections[alias] for alias in connections}
        with sync_playwright() as playwright:
            # With a loop running, asgiref keeps Django's connections per asyncio context rather
            # than per thread, so the tests would get fresh connections without the test
            # database's state (such as the data kept for serialized_rollback): keep the old ones.
            for alias, connection in established.items():
                connections[alias] = connection
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM),
                headless=True,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            yield chromium
            chromium.close()


@pytest.fixture
def open_page(browser, live_server):
    """Open a path of the live server in a fresh browser context, cut off from other hosts.

    Embeds (YouTube, Vimeo) would reach the internet: aborting them keeps the tests hermetic.
    """
    contexts = []

    def open_(path: str, **context_options):
        context = browser.new_context(base_url=live_server.url, **context_options)
        contexts.append(context)
        context.route(re.compile(rf"^(?!{re.escape(live_server.url)}/)"), lambda r: r.abort())
        page = context.new_page()
        page.goto(path)
        return page

    yield open_
    for context in contexts:
        context.close()


def database_url_for_tests() -> str:
    """The test database as a DATABASE_URL, for a process started by a test."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    return f"postgres://{db['USER']}@{host}:{port}/{db['NAME']}"


class WorkerProcess:
    """A real `manage.py desk_worker` on the test database."""

    def __init__(self, env: dict[str, str] | None = None):
        self.process = None
        self.env = env or {}

    def start(self) -> float:
        # A developer's own Telegram settings never reach a test worker; a test passes its own.
        inherited = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
        env = (
            inherited
            | {
                "DATABASE_URL": database_url_for_tests(),
                "DJANGO_SETTINGS_MODULE": "broadsheet.settings",
            }
            | self.env
        )
        self.process = subprocess.Popen(
            [sys.executable, "manage.py", "desk_worker", "--interval", "0.1"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        # Wait for the banner line so timings start when the worker really runs. The task
        # thread may log a task it picked up before the banner is printed (with or without the
        # logger's prefix, by the logging set-up the worker inherits), and Django's system checks
        # may print a warning first (CI once saw "System check identified some issues:").
        before = []
        line = self.process.stdout.readline()
        while line and ("Task id=" in line or "running" not in line):
            before.append(line)
            line = self.process.stdout.readline()
        assert line, "The worker ended before it ran:\n" + "".join(before)
        # Keep reading what the worker prints (two lines per task), so a long test never fills
        # the pipe and stalls the worker; the lines stay at hand for a failing test's report.
        self.output = [text for text in before if "Task id=" not in text]
        threading.Thread(target=self._drain, daemon=True).start()
        return time.monotonic()

    def _drain(self):
        for line in self.process.stdout:
            self.output.append(line)

    def kill(self, sig=signal.SIGKILL):
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout=10)


@pytest.fixture
def desk_workers():
    """Make real desk worker processes; every one is stopped when the test ends."""
    made = []

    def make(env: dict[str, str] | None = None) -> WorkerProcess:
        made.append(WorkerProcess(env))
        return made[-1]

    yield make
    for process in made:
        process.kill(signal.SIGTERM)


def newsroom_staff(roles: dict[str, str], *, password: str = "pw") -> dict:
    """Accounts in the desk's groups, e.g. {"wren": WRITERS, "ed": EDITORS} -> {"wren": User}."""
    groups = desk_roles_ensure()
    people = {}
    for name, group in roles.items():
        user = get_user_model().objects.create_user(name, f"{name}@example.org", password)
        user.groups.set([groups[group]])
        people[name] = user
    return people


def sign_in_verified(client, user) -> TOTPDevice:
    """Sign `user` in as if they had entered their password and a code from their authenticator.

    Chief editors reach the admin only after the second step (broadsheet/security); tests that are
    about something else start past it. tests/security/test_two_factor.py covers the step itself.
    """
    device = TOTPDevice.objects.devices_for_user(user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Test authenticator", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device
