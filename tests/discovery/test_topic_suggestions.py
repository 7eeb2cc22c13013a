import pytest

from broadsheet.discovery.topic_suggestions import (
    NewsroomNames,
    StoryText,
    TopicName,
    candidate_topics,
    stem,
    suggested_topics,
)

TOPICS = [
    TopicName(1, "Georgia"),
    TopicName(2, "Sanctions"),
    TopicName(3, "OSCE", ("Organization for Security and Co-operation in Europe",)),
    TopicName(4, "Water security"),
    TopicName(5, "Грузия"),
    TopicName(6, "Armenia"),
]


def names(found):
    return [topic.name for topic in found]


def test_existing_topics_are_found_whatever_the_case_or_inflection():
    """Plural, possessive and case endings still name the topic; unrelated words do not."""
    text = (
        "<p>Georgia's parliament debated new SANCTION rules. The sanctions bill passed, and "
        "Tbilisi asked the Organization for Security and Co-operation in Europe to observe.</p>"
        "<p>Делегация Грузии прибыла утром. Water Security was not discussed.</p>"
    )
    found = names(suggested_topics(text=text, topics=TOPICS))
    assert found[0] == "Sanctions"  # two mentions
    assert set(found) == {"Sanctions", "Georgia", "OSCE", "Water security", "Грузия"}


def test_only_what_the_top_of_the_story_names_is_suggested():
    """A country named in the headline, deck or lede is what the story is about; one named in
    passing further down, or a theme word used in passing, is not."""
    topics = [*TOPICS, TopicName(11, "Public debt", ("Budget",), is_theme=True)]
    lines = [
        "Georgia's ports reopen",
        "Ships queue at Poti",
        "Officials said the budget would cover repairs.",
        "Dockers returned.",
        "Trucks waited.",
        "A delegation from Armenia is expected next week.",
    ]
    assert names(suggested_topics(text="\n".join(lines), topics=topics)) == ["Georgia"]
    lines[0] = "Public debt: Georgia's ports reopen"
    found = names(suggested_topics(text="\n".join(lines), topics=topics))
    assert found == ["Public debt", "Georgia"]  # the theme is named twice: headline and budget


def test_a_name_inside_a_longer_name_is_not_a_mention():
    """ "Port Ilis" is a city, not the Ports topic, and the Veskan Economic Forum is not Veska;
    a headline in title case capitalises every word, so there a capital proves nothing."""
    topics = [TopicName(20, "Shipping", ("Ports",)), TopicName(21, "Veska")]
    story = StoryText(
        "Tolls rise at Port Ilis", "Rafael Tenn of the Veskan Economic Forum explains"
    )
    assert suggested_topics(text=story, topics=topics) == []
    story = StoryText("Veska Raises Tolls at Two Ports", "A second rise this year")
    assert names(suggested_topics(text=story, topics=topics)) == ["Shipping", "Veska"]


def test_topics_already_on_the_story_are_not_suggested_again():
    """The desk sees only what it has not tagged yet."""
    found = suggested_topics(text="Georgia and Armenia", topics=TOPICS, exclude={1})
    assert names(found) == ["Armenia"]


def test_a_stem_does_not_swallow_a_different_word():
    """'Armenia' must not match 'armed' or 'Armenian-language' beyond a short ending."""
    assert suggested_topics(text="Armed groups; an armenian-language daily", topics=TOPICS) == []
    assert stem("Georgia") == "georgi"


def test_recurring_proper_names_become_candidate_topics():
    """Names used twice or more, mid-sentence, that no topic covers yet, are offered."""
    text = (
        "<p>Talks resumed in Vardan Hall on Monday. Delegates from Lake Sevan towns joined, "
        "and the Vardan Hall meeting ran late. Officials from Georgia and Lake Sevan spoke.</p>"
        "<p>Then Georgia's minister left. Sunday came. The minister met Ruben Kyle once.</p>"
    )
    candidates = candidate_topics(text=text, known_names=["Georgia"], newsroom=NewsroomNames())
    assert [(c.name, c.mentions) for c in candidates] == [("Vardan Hall", 2), ("Lake Sevan", 2)]


ACRONYMS = [
    TopicName(7, "United Nations", ("UN",)),
    TopicName(8, "United States", ("US",)),
    TopicName(9, "Information technology", ("IT",)),
    TopicName(10, "Tax"),
]


def test_acronyms_match_only_as_written():
    """ "it", "us" and "unit" are words, not the IT, US and UN topics; "UN's" and "USs" are."""
    text = (
        "It was late. The minister told us it would take a year, and the unit used the usual "
        "route; a taxi waited. IT failures and the UN's envoy were blamed. The USs of old."
    )
    assert names(suggested_topics(text=text, topics=ACRONYMS)) == [
        "Information technology",
        "United Nations",
        "United States",
    ]


def test_a_short_name_takes_a_plural_but_not_a_longer_word():
    """ "Tax" finds "taxes", never "taxi" or "taxonomy"."""
    assert suggested_topics(text="A taxi; a taxonomy.", topics=ACRONYMS) == []
    assert names(suggested_topics(text="New taxes.", topics=ACRONYMS)) == ["Tax"]


def test_the_outlet_and_its_people_are_never_candidate_topics():
    """The outlet's name and people's names (whole or in part) recur in every story."""
    text = (
        "<p>Orduna's expert Elmira Vosk talks to The Kavran Ledger. Asked by the Kavran Ledger "
        "about Poti Harbour, Vosk said the Poti Harbour works would wait. Later Vosk left, and "
        "Elmira Vosk wrote to Ilka Brand and to Ilka Brand's editor.</p>"
    )
    newsroom = NewsroomNames(outlet="The Kavran Ledger", people=("Elmira Vosk", "Ilka Brand"))
    candidates = candidate_topics(text=text, known_names=[], newsroom=newsroom)
    assert [c.name for c in candidates] == ["Poti Harbour"]


@pytest.fixture
def editor_story(db, client):
    from django.contrib.auth import get_user_model

    from broadsheet.articles.models import ArticlePage
    from broadsheet.authors.models import Author
    from broadsheet.desk.roles import EDITORS, WRITERS, desk_roles_ensure
    from broadsheet.sections.factories import SectionPageFactory
    from broadsheet.topics.factories import TopicFactory

    groups = desk_roles_ensure()
    users = {}
    for name, group in (("ed", EDITORS), ("wren", WRITERS)):
        users[name] = get_user_model().objects.create_user(name, f"{name}@example.org", "pw")
        users[name].groups.set([groups[group]])
    TopicFactory(name="Georgia")
    Author.objects.create(name="Tamar Beridze", slug="tamar-beridze")
    section = SectionPageFactory(title="Region", slug="region")
    story = section.add_child(
        instance=ArticlePage(
            title="Georgia's ports reopen",
            slug="ports-reopen",
            body=[
                (
                    "paragraph",
                    "<p>Ships queued at Poti Harbour overnight. By noon Poti Harbour was "
                    "open again, officials in Georgia told Tamar Beridze, and Broadsheet "
                    "(that is, Tamar Beridze for Broadsheet) saw the queue.</p>",
                )
            ],
            live=False,
            owner=users["wren"],
        )
    )
    story.save_revision()
    return story, users


def test_the_editor_shows_suggestions_and_promotes_a_name_in_one_click(client, editor_story):
    """An editor sees Georgia suggested and turns "Poti Harbour" into a topic on the draft."""
    from django.urls import reverse

    from broadsheet.articles.models import ArticlePage
    from broadsheet.topics.models import Topic

    story, users = editor_story
    client.force_login(users["ed"])
    edit = client.get(reverse("wagtailadmin_pages:edit", args=(story.pk,))).content.decode()
    panel = edit[edit.index('class="topic-suggestions"') :]
    assert "<li>Georgia</li>" in panel
    assert "Poti Harbour (2 mentions)" in panel and "Make it a topic" in panel
    # The byline's author and the outlet (default name: Broadsheet) are no topics.
    assert "Tamar Beridze" not in panel and "Broadsheet (2 mentions)" not in panel

    response = client.post(
        reverse("discovery_topic_promote", args=(story.pk,)), {"topic_name": "Poti Harbour"}
    )
    assert response.status_code == 302
    topic = Topic.objects.get(name="Poti Harbour")
    draft = ArticlePage.objects.get(pk=story.pk).get_latest_revision_as_object()
    assert topic in draft.topics.all()
    edit = client.get(reverse("wagtailadmin_pages:edit", args=(story.pk,))).content.decode()
    assert "Poti Harbour (2 mentions)" not in edit  # now a topic, and on the story


def test_writers_see_suggestions_but_cannot_create_topics(client, editor_story):
    """Creating topics is the desk's call: a writer gets no button and a 403 if they try."""
    from django.urls import reverse

    from broadsheet.topics.models import Topic

    story, users = editor_story
    client.force_login(users["wren"])
    edit = client.get(reverse("wagtailadmin_pages:edit", args=(story.pk,))).content.decode()
    assert "<li>Georgia</li>" in edit and "Make it a topic" not in edit
    response = client.post(
        reverse("discovery_topic_promote", args=(story.pk,)), {"topic_name": "Poti Harbour"}
    )
    assert response.status_code in (302, 403) and not Topic.objects.filter(name="Poti Harbour")


def test_a_promoted_topic_with_accents_gets_an_address_readers_can_open(client, editor_story):
    """ "Zoë Brandt" becomes /topics/zoe-brandt/, and the story linking to it still renders."""
    from django.urls import reverse

    from broadsheet.articles.models import ArticlePage
    from broadsheet.topics.models import Topic

    story, users = editor_story
    client.force_login(users["ed"])
    client.post(reverse("discovery_topic_promote", args=(story.pk,)), {"topic_name": "Zoë Brandt"})
    topic = Topic.objects.get(name="Zoë Brandt")
    assert topic.slug == "zoe-brandt"
    ArticlePage.objects.get(pk=story.pk).get_latest_revision().publish()
    client.logout()
    assert client.get(f"/topics/{topic.slug}/").status_code == 200
    assert client.get(ArticlePage.objects.get(pk=story.pk).url).status_code == 200
