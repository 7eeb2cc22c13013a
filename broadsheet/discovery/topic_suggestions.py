"""Topic suggestions for a story: existing topics its text names, and names that could become one.

Matching is case-insensitive and tolerant of inflection: each word of a topic's name (or alias)
matches a word of the text that starts with the name word's stem and runs at most a few letters
longer, so "sanctions" finds "Sanction", "Georgia's" finds "Georgia" and, in inflected languages,
"Грузии" finds "Грузия". Candidate new topics are proper names (runs of capitalised words that
do not open a sentence) used at least twice and not yet a topic.
"""

import re
from collections import Counter
from dataclasses import dataclass

from django.utils.html import strip_tags

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


@dataclass(frozen=True)
class TopicName:
    topic_id: int
    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Candidate:
    name: str
    mentions: int


def _normalise(word: str) -> str:
    word = word.casefold().replace("’", "'")
    return word[:-2] if word.endswith("'s") else word


def stem(word: str) -> str:
    """A name word without its likely inflectional ending ("Georgia" → "georgi")."""
    word = _normalise(word)
    if len(word) > MIN_STEM and (word[-1] in VOWELS or word[-1] == "s"):
        word = word[:-1]
    return word


def _matches(text_word: str, name_stem: str) -> bool:
    return text_word.startswith(name_stem) and len(text_word) - len(name_stem) <= MAX_ENDING


def text_words(text: str) -> list[str]:
    return [_normalise(word) for word in WORD.findall(strip_tags(text))]


def _mentions(words: list[str], name: str) -> int:
    stems = [stem(part) for part in WORD.findall(name)]
    if not stems:
        return 0
    count = 0
    for start in range(len(words) - len(stems) + 1):
        if all(_matches(words[start + i], part) for i, part in enumerate(stems)):
            count += 1
    return count


def suggested_topics(*, text: str, topics: list[TopicName], exclude: set[int] = frozenset()):
    """Existing topics named in `text` (by name or alias), most mentioned first."""
    words = text_words(text)
    # Every prefix of every word: a name whose first stem is not among them is skipped without
    # scanning the text, so thousands of topics cost little.
    prefixes = {word[:end] for word in set(words) for end in range(1, len(word) + 1)}
    found = []
    for topic in topics:
        if topic.topic_id in exclude:
            continue
        names = [
            name
            for name in (topic.name, *topic.aliases)
            if (first := WORD.search(name)) and stem(first.group()) in prefixes
        ]
        mentions = sum(_mentions(words, name) for name in names)
        if mentions:
            found.append((mentions, topic))
    found.sort(key=lambda pair: (-pair[0], pair[1].name))
    return [topic for _, topic in found]


def candidate_topics(*, text: str, known_names: list[str]) -> list[Candidate]:
    """Proper names used at least twice in `text` that no topic covers yet."""
    plain = strip_tags(text)
    runs: Counter[str] = Counter()
    for sentence in re.split(r"(?<=[.!?…])\s+|\n+", plain):
        tokens = list(WORD.finditer(sentence))
        current: list[str] = []
        for index, match in enumerate(tokens):
            word = match.group()
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
        candidates.append(Candidate(name=name, mentions=count))
    return candidates[:CANDIDATE_LIMIT]


def _covers(known: list[str], words: list[str]) -> bool:
    if not known or len(known) != len(words):
        return False
    return all(_matches(word, stem(part)) for part, word in zip(known, words, strict=True))
