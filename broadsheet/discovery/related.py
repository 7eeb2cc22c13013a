"""Read also: rank other stories for one story, the way an editor would pick them.

A candidate's score combines what the two stories share (topics weighted by how rare each topic
is, wording by TF-IDF cosine over headline, deck and body, experts and authors) with how fresh the
candidate is *now*: a week-old analysis of the same subject beats a year-old near-duplicate.
Pure Python over plain data, so the worker computes it and the benchmark scores it.
"""

import heapq
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime

WORD = re.compile(r"[^\W\d_]{3,}")
# Words, and the punctuation that ends a phrase: a word pair never spans a comma or a full stop.
TOKEN = re.compile(r"[^\W\d_]{3,}|[.!?;:,]")
# Function words carry no subject. A short list: the IDF weighting mutes the rest.
STOPWORDS = frozenset(
    """about above after again against also among and any are because been before being below
    between both but can could did does doing down during each few for from further had has have
    having her here hers him his how into its itself just more most much must nor not now off
    once only other our ours out over own same she should some such than that the their theirs
    them then there these they this those through too under until very was were what when where
    which while who whom why will with would you your yours said says one two new year years
    last first week month day today yesterday may might however still""".split()
)
HEADLINE_WEIGHT, DECK_WEIGHT = 3, 2
# A word pair used once is chance; repeated, or in the headline or deck, it names the subject
# ("trade deficit" is not "budget deficit"). Measured on the demo archive without topics: pairs
# took precision@6 from 0.978 to 0.989, and dropping single pairs keeps the stored terms about as
# small as words alone.
PAIR_MIN_COUNT = 2
# How much each shared signal adds; the text and topic parts are each at most 1.
WEIGHTS = {"topics": 0.4, "text": 0.6, "experts": 0.0, "authors": 0.0, "section": 0.0}
# A story this many days older than now keeps half its freshness.
FRESH_HALF_LIFE_DAYS = 30
# Freshness scales relevance between this floor and 1 among stories on the subject.
FRESH_FLOOR = 0.3
# On the subject: at least this share of the best match's relevance.
ON_SUBJECT = 0.7
# A candidate must share at least this much to be picked at all.
MIN_RELEVANCE = 0.05
# A candidate sharing this much wording is a near copy: an earlier version, a republished piece,
# a templated brief. It does not set the bar for being on the subject, or its closeness would push
# this week's pieces on the subject below the bar.
NEAR_COPY = 0.8
# Scoring thousands of candidates in full is too slow for a rebuild of a whole archive. Each is
# estimated from the story's most telling terms (highest TF-IDF weight) and what else they share;
# only the best estimates are scored in full. On the demo archive, with and without topics, these
# gave the same picks as scoring every candidate in full, eight times faster.
TELLING_TERMS = 20
SHORTLIST = 60
# What else two stories can have in common, besides wording.
LINKS = ("topics", "experts", "authors")
# Vectors kept for stories outside the pool, so a rebuild's memory stays bounded.
OUTSIDE_CACHED = 5000


def _stem(word: str) -> str:
    for suffix in ("ations", "ation", "ments", "ment", "ings", "ing", "ies", "es", "s", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def terms(text: str) -> Counter:
    """Stemmed words without the function words, and each pair of adjacent ones."""
    counts: Counter = Counter()
    previous = None
    for match in TOKEN.finditer(text):
        word = match.group().casefold()
        if not word[0].isalpha() or word in STOPWORDS:
            previous = None
            continue
        word = _stem(word)
        counts[word] += 1
        if previous:
            counts[f"{previous} {word}"] += 1
        previous = word
    return counts


def plain_terms(text: str) -> dict[str, int]:
    """Bag of words with no weighting, stemming or stop list: the baseline's view of a text."""
    return dict(Counter(match.casefold() for match in WORD.findall(text)))


def story_terms(*, headline: str, deck: str, body: str) -> dict[str, int]:
    """Weighted term counts: the headline and deck say what the story is about."""
    counts = terms(body)
    for word, count in terms(headline).items():
        counts[word] += count * HEADLINE_WEIGHT
    for word, count in terms(deck).items():
        counts[word] += count * DECK_WEIGHT
    return {
        term: count for term, count in counts.items() if count >= PAIR_MIN_COUNT or " " not in term
    }


@dataclass
class StorySignals:
    pk: int
    published_at: datetime
    section_id: object = None
    terms: dict[str, int] = field(default_factory=dict)
    topics: frozenset[int] = frozenset()
    experts: frozenset[int] = frozenset()
    authors: frozenset[int] = frozenset()


class Corpus:
    """The stories ranked against: document frequencies for IDF weights, and who uses each term.

    Built once, it serves any number of stories ranked against the same pool (a rebuild of the
    whole archive builds one). A story outside the pool is weighted by the pool's statistics.
    """

    def __init__(self, stories: list[StorySignals]):
        self.size = max(len(stories), 1)
        self.term_df = Counter(term for story in stories for term in story.terms)
        self.topic_df = Counter(topic for story in stories for topic in story.topics)
        self._members = {story.pk: story for story in stories}
        self._vectors: dict[int, dict[str, float]] = {}
        self._outside: dict[int, dict[str, float]] = {}
        self._postings: dict[str, dict] | None = None

    def idf(self, df: int) -> float:
        return math.log((1 + self.size) / (1 + df)) + 1

    def vector(self, story: StorySignals) -> dict[str, float]:
        """The story's TF-IDF weights, scaled to unit length."""
        cache = self._vectors if story.pk in self._members else self._outside
        cached = cache.get(story.pk)
        if cached is not None:
            return cached
        # Raw counts, not 1 + log(count): measured on the demo corpus, damping repeats
        # lost precision (0.93 against 0.98 at six picks).
        weights = {
            term: count * self.idf(self.term_df[term]) for term, count in story.terms.items()
        }
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        vector = {term: weight / norm for term, weight in weights.items()}
        if cache is self._outside and len(cache) >= OUTSIDE_CACHED:
            cache.clear()
        cache[story.pk] = vector
        return vector

    def cosine(self, a: StorySignals, b: StorySignals) -> float:
        va, vb = self.vector(a), self.vector(b)
        if len(vb) < len(va):
            va, vb = vb, va
        return sum([weight * vb[term] for term, weight in va.items() if term in vb])

    def topic_overlap(self, a: StorySignals, b: StorySignals) -> float:
        if a.topics.isdisjoint(b.topics):
            return 0.0
        whole = sum(self.idf(self.topic_df[t]) for t in a.topics)
        return sum(self.idf(self.topic_df[t]) for t in a.topics & b.topics) / whole

    def _index(self) -> dict[str, dict]:
        """Pool stories by what they contain: (story, weight) by term; stories by topic,
        expert and author."""
        if self._postings is None:
            self._postings = {kind: defaultdict(list) for kind in ("terms", *LINKS)}
            for member in self._members.values():
                for term, weight in self.vector(member).items():
                    self._postings["terms"][term].append((member.pk, weight))
                for kind in LINKS:
                    for linked in getattr(member, kind):
                        self._postings[kind][linked].append(member.pk)
        return self._postings

    def estimate(self, story: StorySignals) -> dict[int, float]:
        """A lower bound of the relevance of each pool story that shares something with `story`:
        topics, experts and authors in full, wording through `story`'s most telling terms only.
        """
        index = self._index()
        found: dict[int, float] = defaultdict(float)
        vector = self.vector(story)
        for term, weight in heapq.nlargest(TELLING_TERMS, vector.items(), key=_weight):
            weight *= WEIGHTS["text"]
            for pk, other in index["terms"].get(term, ()):
                found[pk] += weight * other
        if WEIGHTS["topics"] and story.topics:
            idf = {t: self.idf(self.topic_df[t]) for t in story.topics}
            whole = sum(idf.values())
            for topic in story.topics:
                for pk in index["topics"].get(topic, ()):
                    found[pk] += WEIGHTS["topics"] * idf[topic] / whole
        for kind in ("experts", "authors"):
            linked = getattr(story, kind)
            if WEIGHTS[kind] and linked:
                for other in linked:
                    for pk in index[kind].get(other, ()):
                        found[pk] += WEIGHTS[kind] / len(linked)
        return found

    def shortlist(
        self, story: StorySignals, candidates: list[StorySignals], *, size: int = SHORTLIST
    ) -> list[StorySignals]:
        """The candidates worth scoring in full: the best `size` by `estimate`, plus every
        candidate outside the pool, which the estimate cannot see. A section in common alone
        shortlists nobody.
        """
        estimate = self.estimate(story)
        estimated, outside = [], []
        for other in candidates:
            if other.pk == story.pk:
                continue
            if other.pk not in self._members:
                outside.append(other)
            elif (score := estimate.get(other.pk)) is not None:
                estimated.append((score, other.pk, other))
        best = heapq.nlargest(size, estimated, key=lambda item: item[:2])
        return [other for _, _, other in best] + outside


def _weight(item: tuple[str, float]) -> float:
    return item[1]


def _share(a: frozenset, b: frozenset) -> float:
    return len(a & b) / len(a) if a else 0.0


def freshness(published_at: datetime, now: datetime) -> float:
    age_days = max((now - published_at).total_seconds() / 86400, 0.0)
    return FRESH_FLOOR + (1 - FRESH_FLOOR) * 0.5 ** (age_days / FRESH_HALF_LIFE_DAYS)


def relevance(
    corpus: Corpus, story: StorySignals, other: StorySignals, *, text: float | None = None
) -> float:
    if text is None:
        text = corpus.cosine(story, other)
    return (
        WEIGHTS["topics"] * corpus.topic_overlap(story, other)
        + WEIGHTS["text"] * text
        + WEIGHTS["experts"] * _share(story.experts, other.experts)
        + WEIGHTS["authors"] * _share(story.authors, other.authors)
        + WEIGHTS["section"] * (story.section_id == other.section_id)
    )


def read_also_rank(
    story: StorySignals,
    candidates: list[StorySignals],
    *,
    now: datetime,
    limit: int = 6,
    corpus: Corpus | None = None,
) -> list[tuple[int, float]]:
    """The best `limit` candidates for `story` as (pk, score), best first.

    Stories at least ON_SUBJECT of the best match's relevance (near copies aside) are on the
    subject: among them the fresher wins, so last week's analysis tops a year-old near-duplicate.
    The rest follow by relevance alone, only to fill the block. `corpus` defaults to the story and
    its candidates; pass one to rank many stories against the same pool.
    """
    corpus = corpus or Corpus([story, *candidates])
    related = []
    for other in corpus.shortlist(story, candidates):
        text = corpus.cosine(story, other)
        score = relevance(corpus, story, other, text=text)
        if score >= MIN_RELEVANCE:
            related.append((score, text, other))
    if not related:
        return []
    best = max(
        (score for score, text, _ in related if text < NEAR_COPY),
        default=max(score for score, _, _ in related),
    )
    on_subject = sorted(
        (
            (score * freshness(other.published_at, now), other.pk)
            for score, _, other in related
            if score >= ON_SUBJECT * best
        ),
        key=lambda pair: (-pair[0], -pair[1]),
    )
    rest = sorted(
        (
            (score * FRESH_FLOOR, other.pk)
            for score, _, other in related
            if score < ON_SUBJECT * best
        ),
        key=lambda pair: (-pair[0], -pair[1]),
    )
    return [(pk, round(score, 6)) for score, pk in (on_subject + rest)[:limit]]


def tfidf_baseline_rank(
    story: StorySignals,
    candidates: list[StorySignals],
    *,
    limit: int = 6,
    corpus: Corpus | None = None,
) -> list[int]:
    """The benchmark's baseline: plain TF-IDF cosine (raw counts × IDF) of the text alone.

    Give it signals whose `terms` are `plain_terms` of the whole text.
    """
    corpus = corpus or Corpus([story, *candidates])
    scored = heapq.nlargest(
        limit,
        ((corpus.cosine(story, other), other.pk) for other in candidates if other.pk != story.pk),
    )
    return [pk for _, pk in scored]
