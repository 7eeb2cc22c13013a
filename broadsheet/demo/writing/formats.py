"""One writer per story format: news, photo and video stories, interviews, opinion, analysis,
reviews, features and partner pieces. Each takes a scene and a headline and returns a Story.
"""

import html
import re

from broadsheet.demo import phrases
from broadsheet.demo.world import OUTLET_NAME, PARTNER_OUTLETS
from broadsheet.demo.writing.scene import Scene, lower_first, paragraph, word_count
from broadsheet.demo.writing.story import ILLUSTRATION_CREDIT, Story

# Words per body, by format: news is short, interviews and analysis run long.
BODY_WORDS = {
    "news": (150, 300),
    "photo": (110, 190),
    "video": (110, 200),
    "interview": (700, 1150),
    "opinion": (550, 850),
    "analysis": (650, 950),
    "review": (300, 430),
    "feature": (500, 800),
    "republished": (250, 500),
}
# Photo and video stories are news items with media flags.
FORMAT_KIND = {"photo": "news", "video": "news"}
DECK_MAX = 200
YOUTUBE_ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"


def story_from(scene: Scene, format_: str, title: str, **fields) -> Story:
    """The planned story, with what every format shares filled in."""
    defaults = {
        "deck": "",
        "label": "",
        "second_line": "",
        "body": [],
        "topics": [],
        "experts": [scene.expert.name] if scene.expert else [],
        "authors": [],
    }
    kind = FORMAT_KIND.get(format_, format_)
    section = fields.pop("section", None) or scene.theme.desk
    return Story(format=format_, kind=kind, section=section, title=title, **defaults | fields)


def length(scene: Scene, format_: str) -> int:
    """How many words this story's body runs to."""
    return scene.rng.randint(*BODY_WORDS[format_])


def deck_line(scene: Scene, patterns: tuple[str, ...]) -> str:
    for __ in range(10):
        deck = scene.fill(scene.rng.choice(patterns)).removesuffix(".")
        if len(deck) <= DECK_MAX:
            return deck
    return deck[: DECK_MAX - 1].rsplit(" ", 1)[0] + "…"


def news_body(scene: Scene, target: int) -> list:
    rng = scene.rng
    body = [paragraph(scene.sentence(phrases.LEDES))]
    quoted = rng.random() < 0.5
    while word_count(body) < target:
        body.append(
            paragraph(scene.sentences(rng.randint(2, 3), scene.theme.facts, phrases.NEWS_SENTENCES))
        )
        if quoted and len(body) == 2:
            body.append(official_quote(scene))
    return body


def official_quote(scene: Scene) -> tuple[str, dict]:
    politician = scene.politician
    scene.named.add("politician")
    role = politician.title
    if " of " not in role:
        role = f"{role} of {scene.country.name}"
    return (
        "quote",
        {
            "text": scene.sentence(phrases.OFFICIAL_QUOTES),
            "speaker": politician.name,
            "role": role,
        },
    )


def resident_quote(scene: Scene) -> tuple[str, dict]:
    return (
        "quote",
        {
            "text": scene.sentence(phrases.RESIDENT_QUOTES),
            "speaker": scene.person(),
            "role": scene.fill(scene.rng.choice(phrases.RESIDENT_ROLES), sentence=False),
        },
    )


def expert_quote(scene: Scene) -> tuple[str, dict]:
    expert = scene.expert
    return (
        "quote",
        {
            "text": scene.sentences(2, phrases.EXPERT_SENTENCES),
            "speaker": expert.name,
            "role": f"{expert.role}, {expert.institution}",
        },
    )


def pull_quote(scene: Scene) -> tuple[str, dict]:
    return ("pull_quote", {"text": scene.sentence(phrases.EXPERT_SENTENCES)})


def numbered_points(scene: Scene) -> str:
    count = scene.rng.randint(2, 3)
    ordinals = phrases.ORDINALS[: count - 1] + ("Finally",)
    return " ".join(
        f"{ordinal}, {scene.fill(scene.pick(phrases.POINTS), sentence=False)}."
        for ordinal in ordinals
    )


def analytic_paragraphs(scene: Scene, count: int) -> list:
    """Argument paragraphs, each led by one of the theme's facts while any are unused."""
    paragraphs = []
    for __ in range(count):
        fact = scene.new_sentence(scene.theme.facts) if scene.rng.random() < 0.7 else None
        argument = scene.sentences(
            scene.rng.randint(2, 3), phrases.EXPERT_SENTENCES, phrases.ANALYSIS_SENTENCES
        )
        paragraphs.append(paragraph(f"{fact} {argument}" if fact else argument))
    return paragraphs


def write_news(scene: Scene, title: str) -> Story:
    rng = scene.rng
    deck = deck_line(scene, scene.theme.facts + phrases.NEWS_DECKS) if rng.random() < 0.6 else ""
    second_line = scene.fill(rng.choice(phrases.SECOND_LINES)) if rng.random() < 0.25 else ""
    body = news_body(scene, length(scene, "news"))
    return story_from(scene, "news", title, deck=deck, second_line=second_line, body=body)


def opening(scene: Scene) -> str:
    opening = scene.sentence(phrases.FEATURE_OPENINGS)
    return f"{opening} {scene.sentence(phrases.FEATURE_SENTENCES)}"


def write_photo(scene: Scene, title: str) -> Story:
    body = [paragraph(opening(scene))]
    for __ in range(scene.rng.randint(3, 5)):
        caption = scene.sentence(phrases.PHOTO_CAPTIONS)
        body.append(("image", {"image": None, "caption": caption, "credit": ILLUSTRATION_CREDIT}))
    body.insert(2, resident_quote(scene))
    body.append(paragraph(scene.sentences(2, scene.theme.facts, phrases.NEWS_SENTENCES)))
    section = (
        scene.theme.desk if scene.theme.desk in {"society", "region", "politics"} else "society"
    )
    return story_from(
        scene,
        "photo",
        title,
        section=section,
        deck=deck_line(scene, phrases.NEWS_DECKS),
        second_line="PHOTO",
        body=body,
        has_photo=True,
    )


def write_video(scene: Scene, title: str) -> Story:
    rng = scene.rng
    video_id = "".join(rng.choice(YOUTUBE_ID_ALPHABET) for __ in range(11))
    body = [
        paragraph(opening(scene)),
        (
            "video",
            {
                "url": f"https://www.youtube.com/watch?v={video_id}",
                "title": scene.fill(rng.choice(phrases.VIDEO_TITLES)),
                "caption": scene.fill(rng.choice(phrases.PHOTO_CAPTIONS)),
            },
        ),
        resident_quote(scene),
        paragraph(scene.sentences(3, scene.theme.facts, phrases.NEWS_SENTENCES)),
    ]
    with_photos = rng.random() < 0.5
    if with_photos:
        caption = scene.sentence(phrases.PHOTO_CAPTIONS)
        body.append(("image", {"image": None, "caption": caption, "credit": ILLUSTRATION_CREDIT}))
    section = (
        scene.theme.desk if scene.theme.desk in {"society", "politics", "world"} else "society"
    )
    return story_from(
        scene,
        "video",
        title,
        section=section,
        second_line="PHOTO/VIDEO" if with_photos else f"{OUTLET_NAME} on YouTube",
        body=body,
        has_video=True,
        has_photo=with_photos,
    )


def write_interview(scene: Scene, title: str) -> Story:
    rng = scene.rng
    expert = scene.expert
    target = length(scene, "interview")
    body = [
        paragraph(f"{scene.sentence(phrases.LEDES)} {scene.sentence(phrases.NEWS_SENTENCES)}"),
        official_quote(scene),
        paragraph(scene.sentences(2, scene.theme.facts, phrases.NEWS_SENTENCES)),
        paragraph(scene.sentence(phrases.EXPERT_INTRODUCTIONS)),
    ]
    questions = 0
    while word_count(body) < target - 60 and questions < 9:
        answer = scene.sentences(rng.randint(3, 5), phrases.EXPERT_SENTENCES, scene.theme.facts)
        if questions == 1:
            answer = f"{answer} {numbered_points(scene)}"
        body.append(
            (
                "question_answer",
                {
                    "question": scene.sentence(phrases.QUESTIONS),
                    "answer": f"<p>{html.escape(answer, quote=False)}</p>",
                },
            )
        )
        questions += 1
        if questions == 3:
            body.append(pull_quote(scene))
    role = "analyst" if " of " in expert.role else lower_first(expert.role)
    closing = scene.fill(rng.choice(phrases.CLOSINGS))
    body.append(paragraph(f"{closing}, believes the {expert.nationality} {role}."))
    label = f"{expert.nationality} experts" if rng.random() < 0.35 else ""
    second_line = f"{expert.nationality} experts on {OUTLET_NAME}" if rng.random() < 0.2 else ""
    return story_from(
        scene,
        "interview",
        title,
        section="interviews",
        deck=f"{expert.nationality} expert {expert.name} talks to {OUTLET_NAME}",
        label=label,
        second_line=second_line,
        body=body,
    )


def long_read(scene: Scene, target: int, *, headings: bool) -> list:
    rng = scene.rng
    body = analytic_paragraphs(scene, 2)
    while word_count(body) < target:
        heading = scene.new_sentence(phrases.HEADINGS) if headings else None
        if heading:
            body.append(("heading", heading))
        body += analytic_paragraphs(scene, rng.randint(2, 3))
        if len(body) in range(4, 7) and rng.random() < 0.5:
            body.append(expert_quote(scene))
    body.insert(min(len(body) - 1, 4), pull_quote(scene))
    return body


def write_opinion(scene: Scene, title: str) -> Story:
    deck = deck_line(
        scene,
        ("{expert}, {expert_affiliation}, on {subject}", "{expert}, {expert_affiliation}"),
    )
    body = long_read(scene, length(scene, "opinion"), headings=scene.rng.random() < 0.4)
    return story_from(scene, "opinion", title, section="opinion", deck=deck, body=body)


def write_analysis(scene: Scene, title: str) -> Story:
    expert = scene.expert
    deck = deck_line(
        scene,
        (
            f"{expert.name} on what {{subject}} means for {{country}} and its neighbours",
            f"Expert insights from {expert.name}, {expert.institution}",
            "What is at stake for {country}, and what could happen next",
        ),
    )
    body = long_read(scene, length(scene, "analysis"), headings=True)
    return story_from(scene, "analysis", title, section="analysis", deck=deck, body=body)


def write_review(scene: Scene, title: str) -> Story:
    rng = scene.rng
    creator = scene.person()
    work, format_ = scene.slots["work"], scene.slots["format"]
    opening = (
        f"“{work}”, a new {format_} by {creator}, sets out to explain {scene.slots['subject']} "
        f"to readers in {scene.country.name} and beyond."
    )
    body = [paragraph(opening)]
    words = length(scene, "review")
    while word_count(body) < words:
        body.append(
            paragraph(
                scene.sentences(
                    rng.randint(2, 4),
                    phrases.REVIEW_SENTENCES,
                    phrases.ANALYSIS_SENTENCES,
                    scene.theme.facts,
                )
            )
        )
    deck = deck_line(scene, (f"{creator}'s {format_} on {{subject}}, reviewed",))
    section = "society" if scene.theme.desk == "society" else "analysis"
    return story_from(scene, "review", title, section=section, deck=deck, body=body)


def write_feature(scene: Scene, title: str) -> Story:
    rng = scene.rng
    target = length(scene, "feature")
    body = [paragraph(scene.sentence(phrases.FEATURE_OPENINGS))]
    while word_count(body) < target:
        body.append(
            paragraph(
                scene.sentences(
                    rng.randint(3, 4),
                    phrases.FEATURE_SENTENCES,
                    scene.theme.facts,
                    phrases.NEWS_SENTENCES,
                )
            )
        )
        if rng.random() < 0.45:
            body.append(resident_quote(scene))
        if len(body) == 4:
            body.append(("heading", scene.fill(scene.pick(phrases.HEADINGS))))
    deck = deck_line(scene, ("{Subject}: the view from {city}, far from the debates in {capital}",))
    section = scene.theme.desk if scene.theme.desk in {"society", "region"} else "region"
    return story_from(scene, "feature", title, section=section, deck=deck, body=body)


def write_republished(scene: Scene, title: str) -> Story:
    rng = scene.rng
    partner = rng.choice(PARTNER_OUTLETS)
    if rng.random() < 0.5:
        body = news_body(scene, length(scene, "republished"))
        experts = []
    else:
        body = long_read(scene, length(scene, "republished"), headings=False)
        experts = [scene.expert.name]
    body.append(("paragraph", f"<p><i>This article was first published by {partner.name}.</i></p>"))
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:80]
    section = scene.theme.desk if scene.theme.desk in {"world", "region", "economy"} else "region"
    return story_from(
        scene,
        "republished",
        title,
        section=section,
        deck=deck_line(scene, phrases.NEWS_DECKS),
        second_line=f"Article by {partner.name}",
        body=body,
        experts=experts,
        source_name=partner.name,
        source_url=f"https://{partner.domain}/{slug}",
    )


FORMAT_WRITERS = {
    "news": write_news,
    "photo": write_photo,
    "video": write_video,
    "interview": write_interview,
    "opinion": write_opinion,
    "analysis": write_analysis,
    "review": write_review,
    "feature": write_feature,
    "republished": write_republished,
}
