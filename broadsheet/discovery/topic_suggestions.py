"""Topic suggestions for a story: existing topics its text names, and names that could become one.

Matching is case-insensitive and tolerant of inflection: each word of a topic's name (or alias)
matches a word of the text that starts with the name word's stem and runs at most a few letters
longer, so "sanctions" finds "Sanction", "Georgia's" finds "Georgia" and, in inflected languages,
"Грузии" finds "Грузия". Acronyms ("UN", "IT") match only as written, and other short words only
with a plural or possessive ending, or "it" would find the IT topic and "used" the US. Only what
the top of the story names is suggested (see `suggested_topics`).
Candidate new topics are proper names (runs of capitalised words that do not open a sentence)
used at least twice and not yet a topic, nor the outlet's or a person's name.
"""

import re
from collections import Counter
from dataclasses import dataclass

from django.utils.html import strip_tags

from broadsheet.authors.models import Author
from broadsheet.core.outlet import outlet_settings
from broadsheet.experts.models import Expert
from broadsheet.topics.models import Topic

WORD = re.compile(r"[^\W\d_](?:[\w’'-]*\w)?")
SENTENCE_END = re.compile(r"[.!?…:;\"“”«»]\s*$")
# Letters an inflected form may add to a stem: plural -s/-es, possessive 's, case endings.
MAX_ENDING = 3
MIN_STEM = 4
VOWELS = set("aeiouyаеёиоуыэюяəıöü")
# Capitalised words that are not names even mid-sentence.
NOT_NAMES = {
    "i",
    "mr",
    "mrs",
    "ms",
    "dr",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
}
CANDIDATE_MIN_MENTIONS = 2
CANDIDATE_LIMIT = 8
# Name words this short carry no stem to inflect: they match with a plural or possessive only.
SHORT_WORD = 3
SHORT_ENDINGS = ("", "s", "es")
ARTICLES = {"the", "a", "an"}
# Where a story says what it is about: headline, deck and the first blocks. Measured on the
# demo newsroom, topics named further down are mostly named in passing (precision 0.37 when any
# mention counted, against 0.90 for the top and theme names in the headline).
TOP_BLOCKS = 3


@dataclass(frozen=True)
class TopicName:
    topic_id: int
    name: str
    aliases: tuple[str, ...] = ()
    # A subject in common words ("Inflation"), not a place, organisation or person.
    is_theme: bool = False


@dataclass(frozen=True)
class Candidate:
    name: str
    mentions: int


@dataclass(frozen=True)
class NewsroomNames:
    """Names that recur in a newsroom's stories without being what they are about."""

    outlet: str = ""
    people: tuple[str, ...] = ()


def newsroom_names() -> NewsroomNames:
    """The outlet's name, and its people's: authors, experts and the people who are topics."""
    people = [
        *Author.objects.values_list("name", flat=True),
        *Expert.objects.values_list("name", flat=True),
        *Topic.objects.filter(kind=Topic.Kind.PERSON).values_list("name", flat=True),
    ]
    return NewsroomNames(outlet=outlet_settings().outlet_name, people=tuple(people))


def _normalise(word: str) -> str:
    word = word.casefold().replace("’", "'")
    return word[:-2] if word.endswith("'s") else word


def stem(word: str) -> str:
    """A name word without its likely inflectional ending ("Georgia" → "georgi")."""
    word = _normalise(word)
    if len(word) > MIN_STEM and (word[-1] in VOWELS or word[-1] == "s"):
        word = word[:-1]
    return word


def _is_acronym(word: str) -> bool:
    return len(word) > 1 and word.isupper()


@dataclass(frozen=True)
class _Word:
    """A word of the text: as written (for acronyms) and normalised (for everything else)."""

    written: str
    normal: str
    # Follows the word before with nothing but spaces between: the two can be one name.
    joined: bool = False


def _name_parts(name: str) -> list[tuple[str, str]]:
    """How to match each word of a topic's name: ("acronym" | "short" | "stem", what)."""
    parts = []
    for word in WORD.findall(name):
        if _is_acronym(word):
            parts.append(("acronym", word))
        elif len(_normalise(word)) <= SHORT_WORD:
            parts.append(("short", _normalise(word)))
        else:
            parts.append(("stem", stem(word)))
    return parts


def _matches(word: _Word, part: tuple[str, str]) -> bool:
    how, what = part
    if how == "acronym":
        written = word.written.replace("’", "'").removesuffix("'s")
        return written in (what, f"{what}s")
    if how == "short":
        return any(word.normal == what + ending for ending in SHORT_ENDINGS)
    return word.normal.startswith(what) and len(word.normal) - len(what) <= MAX_ENDING


def _text_words(text: str) -> list[_Word]:
    words = []
    for line in strip_tags(text).split("\n"):
        found = list(WORD.finditer(line))
        # A headline in title case capitalises every word: there, capitals tell no names apart.
        long = [match.group() for match in found if len(match.group()) > SHORT_WORD]
        title_case = len(long) > 2 and all(word[0].isupper() for word in long)
        for index, match in enumerate(found):
            joined = (
                index > 0
                and not title_case
                and not line[found[index - 1].end() : match.start()].strip()
            )
            words.append(_Word(match.group(), _normalise(match.group()), joined))
    return words


def text_words(text: str) -> list[str]:
    return [_normalise(word) for word in WORD.findall(strip_tags(text))]


def _mentions(words: list[_Word], name: str) -> int:
    parts = _name_parts(name)
    if not parts:
        return 0
    count = 0
    for start in range(len(words) - len(parts) + 1):
        if all(_matches(words[start + i], part) for i, part in enumerate(parts)):
            if not _opens_longer_name(words, start + len(parts)):
                count += 1
    return count


@dataclass(frozen=True)
class StoryText:
    """A story's words as topic suggestions read them: the top says what the story is about."""

    headline: str
    deck: str = ""
    blocks: tuple[str, ...] = ()

    @classmethod
    def from_lines(cls, text: str) -> "StoryText":
        """Headline, deck, then one block a line."""
        headline, deck, *blocks = [*text.split("\n"), ""]
        return cls(headline, deck, tuple(blocks))

    @property
    def top(self) -> str:
        return "\n".join([self.headline, self.deck, *self.blocks[:TOP_BLOCKS]])

    def __str__(self) -> str:
        return "\n".join([self.headline, self.deck, *self.blocks])


def story_text(article) -> StoryText:
    blocks = article.body or []
    return StoryText(
        article.title,
        article.deck,
        tuple("\n".join(b.block.get_searchable_content(b.value)) for b in blocks),
    )


def _opens_longer_name(words: list[_Word], after: int) -> bool:
    """Whether the capitalised words before `after` run on into a longer name: "Port Ilis" is
    a city, not the Ports topic, and the "Veskan Economic Forum" is not Veska."""
    return (
        0 < after < len(words)
        and words[after].joined
        and words[after].written[0].isupper()
        and words[after - 1].written[0].isupper()
    )


def suggested_topics(
    *, text: "str | StoryText", topics: list[TopicName], exclude: set[int] = frozenset()
):
    """Existing topics the story is about, most mentioned first.

    A place, organisation or person is suggested when the top of the story names it (headline,
    deck and first TOP_BLOCKS blocks); a theme only when the headline names the theme itself,
    since theme words ("budget", "prices") come up in passing everywhere. A plain `text` is read
    as lines: headline, deck, then one block a line.
    """
    story = StoryText.from_lines(strip_tags(text)) if isinstance(text, str) else text
    headline, top, words = (
        _text_words(story.headline),
        _text_words(story.top),
        _text_words(str(story)),
    )
    # Every prefix of every word at the top: a name whose first stem is not among them is
    # skipped without scanning the text, so thousands of topics cost little.
    prefixes = {
        normal[:end]
        for normal in {word.normal for word in top}
        for end in range(1, len(normal) + 1)
    }
    found = []
    for topic in topics:
        if topic.topic_id in exclude:
            continue
        names = [
            name
            for name in (topic.name, *topic.aliases)
            if (first := WORD.search(name)) and stem(first.group()) in prefixes
        ]
        if topic.is_theme:
            named = topic.name in names and _mentions(headline, topic.name)
        else:
            named = any(_mentions(top, name) for name in names)
        if named:
            mentions = sum(_mentions(words, name) for name in (topic.name, *topic.aliases))
            found.append((mentions, topic))
    found.sort(key=lambda pair: (-pair[0], pair[1].name))
    return [topic for _, topic in found]


def candidate_topics(
    *, text: "str | StoryText", known_names: list[str], newsroom: NewsroomNames | None = None
) -> list[Candidate]:
    """Proper names used at least twice in `text` that no topic covers yet.

    The outlet's own name and people's names (or a part of one: "Vosk" for Elmira Vosk) are never
    offered: they recur in story after story. `newsroom` defaults to the database's.
    """
    newsroom = newsroom_names() if newsroom is None else newsroom
    outlet = _without_article(text_words(newsroom.outlet))
    people = [text_words(name) for name in newsroom.people]
    plain = strip_tags(str(text))
    runs: Counter[str] = Counter()
    for sentence in re.split(r"(?<=[.!?…])\s+|\n+", plain):
        tokens = list(WORD.finditer(sentence))
        current: list[str] = []
        for index, match in enumerate(tokens):
            word = match.group()
            # A comma or a bracket ends a name: "in Poti Harbour, Vosk said" names two.
            if current and sentence[tokens[index - 1].end() : match.start()].strip():
                runs[" ".join(current)] += 1
                current = []
            is_name = (
                word[0].isupper()
                and _normalise(word) not in NOT_NAMES
                # The first word of a sentence is capitalised anyway: it only continues a run.
                and index > 0
            )
            if is_name:
                current.append(word.removesuffix("'s").removesuffix("’s"))
            else:
                if current:
                    runs[" ".join(current)] += 1
                current = []
        if current:
            runs[" ".join(current)] += 1
    known = [text_words(name) for name in known_names]
    candidates = []
    for name, count in runs.most_common():
        if count < CANDIDATE_MIN_MENTIONS:
            break
        words = text_words(name)
        if any(_covers(known_words, words) for known_words in known):
            continue
        if _without_article(words) == outlet or any(_within(words, p) for p in people):
            continue
        candidates.append(Candidate(name=name, mentions=count))
    return candidates[:CANDIDATE_LIMIT]


def _covers(known: list[str], words: list[str]) -> bool:
    if not known or len(known) != len(words):
        return False
    return all(
        word.startswith(stem(part)) and len(word) - len(stem(part)) <= MAX_ENDING
        for part, word in zip(known, words, strict=True)
    )


def _without_article(words: list[str]) -> list[str]:
    return words[1:] if words and words[0] in ARTICLES else words


def _within(words: list[str], name: list[str]) -> bool:
    """Whether `words` are all or a run of `name` ("Vosk" of "Elmira Vosk")."""
    return any(name[start : start + len(words)] == words for start in range(len(name)))
