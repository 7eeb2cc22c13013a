import re
from datetime import datetime
from itertools import pairwise

import pytest
from playwright.sync_api import expect

from tests.conftest import page_wait_until

pytestmark = [
    pytest.mark.browser,
    # The live server needs committed data, and flushing after a transactional test also wipes
    # the home page and site the migrations made: serialized rollback puts them back first.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# The article page's reference order, top to bottom.
ARTICLE_ORDER = {
    ".article__meta": "label and date-time",
    ".article__headline": "headline",
    ".article__deck": "deck",
    ".byline": "byline",
    ".article__body": "body",
    ".cta": "Telegram call to action",
    ".read-also": "Read also",
    ".latest": "Latest news",
}


def assert_datelines(page):
    """Every date reads `22 June 2024 - 18:24` and is the local time its <time datetime> holds."""
    pairs = page.locator("time").evaluate_all(
        "times => times.map(t => [t.textContent.trim(), t.getAttribute('datetime')])"
    )
    assert pairs, f"no <time> on {page.url}"
    for text, machine in pairs:
        moment = datetime.fromisoformat(machine)
        assert text == f"{moment.day} {moment:%B %Y - %H:%M}", (text, machine)


def assert_reference_order(page):
    """The article's parts follow one another in the DOM and, on a phone, on screen."""
    selectors = list(ARTICLE_ORDER)
    # querySelectorAll with a selector list returns matches in document order.
    dom_order = page.evaluate(
        """selectors => [...document.querySelectorAll(selectors.join(","))]
            .map(el => selectors.findIndex(s => el.matches(s)))""",
        selectors,
    )
    assert dom_order == list(range(len(selectors))), [selectors[i] for i in dom_order]
    boxes = {selector: page.locator(selector).bounding_box() for selector in selectors}
    for upper, lower in pairwise(selectors):
        assert boxes[upper]["y"] + boxes[upper]["height"] <= boxes[lower]["y"] + 1, (
            f"{ARTICLE_ORDER[upper]} is not above {ARTICLE_ORDER[lower]} on a phone"
        )


def test_reader_goes_from_home_through_story_topic_day_and_search(on_phone, newsroom):
    """A reader on a phone follows home → story → Read also → topic → a day's news → search."""
    interview = newsroom.interview
    page = on_phone("/")

    # Home: the newest top story leads, and the Latest news feed lists every story.
    expect(page).to_have_title(re.compile("Broadsheet"))
    expect(page.locator(".top-stories .card--lead .card__headline")).to_have_text(interview.title)
    expect(page.locator(".latest__item")).to_have_count(len(newsroom.articles))
    assert_datelines(page)
    page.locator(".top-stories").get_by_role("link", name=interview.title).click()

    # The interview, laid out in the reference order.
    expect(page).to_have_url(re.compile(re.escape(interview.url) + "$"))
    expect(page.locator("h1")).to_have_text(interview.title)
    expect(page.locator(".article__meta .label")).to_have_text("Interviews")
    dateline = page.locator(".article__meta time")
    expect(dateline).to_have_text("22 June 2024 - 18:24")
    expect(dateline).to_have_attribute("datetime", "2024-06-22T18:24:00+04:00")
    expect(page.locator(".article__deck")).to_have_text(interview.deck)
    expect(page.locator(".article__lead figcaption")).to_have_text(
        "The reservoir above the dam. Broadsheet"
    )
    # The photo itself arrives: a broken rendition or media URL leaves naturalWidth at 0.
    assert page_wait_until(page, "document.querySelector('.article__lead img').naturalWidth > 0")
    expect(page.locator(".byline")).to_have_text("By Lale Dorn and Aytan Quell")
    expect(page.locator(".article__body .qa__question").first).to_have_text(
        "Is the treaty at risk this year?"
    )
    expect(page.locator(".article__body blockquote")).to_contain_text("We will keep talking.")
    expect(page.locator(".cta a")).to_have_attribute("href", newsroom.outlet.telegram_channel_url)
    expect(page.locator(".read-also .card")).to_have_count(6)
    expect(page.locator(".latest__item")).to_have_count(len(newsroom.articles))
    assert_datelines(page)
    assert_reference_order(page)
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth"), "scrolls sideways"

    # Read also: the first related story.
    related = page.locator(".read-also .card__headline a").first
    related_title = related.inner_text()
    related.click()
    expect(page.locator("h1")).to_have_text(related_title)
    assert_datelines(page)

    # One of its topics, which lists it.
    topic = page.locator(".article__tags .tags a").first
    topic_name = topic.inner_text()
    topic.click()
    expect(page).to_have_url(re.compile(r"/topics/[\w-]+/$"))
    expect(page.locator("h1")).to_have_text(topic_name)
    expect(page.locator(".article-list .card__headline")).to_contain_text([related_title])
    assert_datelines(page)

    # All news, then a day of it: today has nothing yet, the previous day with news is linked.
    page.locator(".main-nav").get_by_role("link", name="All news").click()
    expect(page.locator("h1")).to_have_text("All news")
    expect(page.locator(".news-rows__item")).to_have_count(len(newsroom.articles))
    page.get_by_role("link", name="Today’s news").click()
    expect(page.locator(".empty")).to_have_text("Nothing was published that day.")
    page.get_by_role("link", name="Previous day: 22 June 2024").click()
    expect(page).to_have_url(re.compile(r"/news/2024/06/22/$"))
    expect(page.locator("h1")).to_have_text("News of 22 June 2024")
    expect(page.locator(".news-rows__headline")).to_have_text(
        [interview.title, newsroom.photo_story.title, newsroom.republished.title]
    )
    expect(page.locator(".news-rows__item time")).to_have_text(
        ["22 June 2024 - 18:24", "22 June 2024 - 15:40", "22 June 2024 - 13:05"]
    )
    assert_datelines(page)

    # Search from the masthead, then open the result.
    page.get_by_role("searchbox", name="Search the site").fill("pipeline tariffs")
    page.get_by_role("searchbox", name="Search the site").press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=pipeline\+tariffs$"))
    expect(page.locator(".search-count")).to_have_text("1 result for “pipeline tariffs”")
    page.locator(".search-results").get_by_role("link", name=newsroom.republished.title).click()
    expect(page.locator("h1")).to_have_text(newsroom.republished.title)
    expect(page.locator(".article__meta .label")).to_have_text("Partner outlets")
    expect(page.locator(".article__source")).to_have_text("Originally published by Caspian Herald.")
    assert_datelines(page)
