"""Which surrogate keys and URLs a change touches: every page that shows, or should now show, it."""

from datetime import datetime

from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from wagtail.contrib.frontend_cache.utils import PurgeBatch
from wagtail.models import Page

from broadsheet.articles.models import ArticleByline, ArticlePage
from broadsheet.articles.selectors import LATEST_NEWS_LIMIT, published_articles
from broadsheet.authors.models import Author
from broadsheet.caching import keys
from broadsheet.desk.models import BreakingNews
from broadsheet.experts.models import Expert
from broadsheet.topics.models import Topic

DIRECTORIES = {Topic: keys.TOPICS, Author: keys.AUTHORS, Expert: keys.EXPERTS}


def in_latest_news(article: ArticlePage) -> bool:
    """Whether the story is, was, or is about to be in the Latest news block."""
    if article.first_published_at is None:
        return True
    cutoff = list(
        published_articles().values_list("first_published_at", flat=True)[
            LATEST_NEWS_LIMIT - 1 : LATEST_NEWS_LIMIT
        ]
    )
    return not cutoff or article.first_published_at >= cutoff[0]


def article_cache_keys(*, article: ArticlePage) -> list[str]:
    """Pages showing the story (its own, and every list it is in) and lists it belongs in now.

    Section, topics, authors and experts are read from the live rows, so a story taken off a
    topic is purged from the topic's page by its own key, and added to one by the topic's.
    """
    found = [keys.key_for(article), keys.NEWS, keys.SITEMAPS]
    parent = article.get_parent()
    if parent is not None:
        found.append(keys.key_for(parent.specific_deferred))
    found += keys.keys_for(Topic, article.topics.values_list("pk", flat=True))
    found += keys.keys_for(
        Author, ArticleByline.objects.filter(page=article).values_list("author_id", flat=True)
    )
    found += keys.keys_for(Expert, article.experts.values_list("pk", flat=True))
    if in_latest_news(article):
        found.append(keys.LATEST)
    if article.is_top_story:
        found.append(keys.HOME)
    if is_breaking(article, now=timezone.now()):
        found.append(keys.SITE)  # the banner on every page
    return list(dict.fromkeys(found))


def is_breaking(article: ArticlePage, *, now: datetime) -> bool:
    return BreakingNews.objects.filter(
        article=article, superseded_at__isnull=True, expires_at__gt=now
    ).exists()


def page_cache_keys(*, page: Page) -> list[str]:
    page = page.specific_deferred
    if isinstance(page, ArticlePage):
        return article_cache_keys(article=page)
    # Sections are in every page's navigation; other pages are few and rarely change.
    return [keys.key_for(page), keys.SITE, keys.SITEMAPS]


def page_cache_urls(*, page: Page) -> list[str]:
    """For caches that purge only by URL: the page, its parents and the site-wide lists.

    Pages that carry the Latest news block elsewhere are left to their lifetime (s-maxage).
    """
    page = page.specific_deferred
    site = page.get_site()
    batch = PurgeBatch()
    batch.add_pages(page.get_ancestors(inclusive=True).filter(depth__gt=1).specific())
    if site is None:
        return sorted(batch.urls)
    paths = [
        reverse("news:index"),
        reverse("distribution:feed"),
        reverse("distribution:sitemap-index"),
        reverse("distribution:sitemap-news"),
    ]
    if isinstance(page, ArticlePage):
        paths += [topic.get_absolute_url() for topic in page.topics.all()]
        paths += [author.get_absolute_url() for author in page.byline_authors]
        paths += [expert.get_absolute_url() for expert in page.experts.all()]
    batch.add_urls(site.root_url + path for path in paths)
    return sorted(batch.urls)


def directory_cache_keys(*, entry: Topic | Author | Expert) -> list[str]:
    """A topic, author or expert: its pages, the directory, stories naming it, every feed."""
    return [keys.key_for(entry), DIRECTORIES[type(entry)], keys.FEEDS, keys.SITEMAPS]


def released_between(*, since: datetime, until: datetime) -> list[int]:
    """Live stories whose public time falls in (since, until]: embargoes that ended, and stories
    dated ahead, which no publishing signal announces.

    A story whose public time is not after its last publish went public with that publish, which
    was purged then: purging it again would only have every page showing it rendered twice.
    """
    return list(
        ArticlePage.objects.live()
        .filter(first_published_at__gt=since, first_published_at__lte=until)
        .filter(first_published_at__gt=F("last_published_at"))
        .values_list("pk", flat=True)
    )


def banners_expired_between(*, since: datetime, until: datetime) -> bool:
    return BreakingNews.objects.filter(expires_at__gt=since, expires_at__lte=until).exists()
