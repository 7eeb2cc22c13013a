from broadsheet.discovery.topic_suggestions import (
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
    candidates = candidate_topics(text=text, known_names=["Georgia"])
    assert [(c.name, c.mentions) for c in candidates] == [("Vardan Hall", 2), ("Lake Sevan", 2)]
