"""Closed-domain snapping: turn an open-vocabulary transcript into a sentence Hearth accepts, or
into "not recognised" -- never into a guess that changes what was asked.

Whisper writes what it hears in its own style ("Turn off the bad room light.", "At a timer for 5
minutes.") while the intent service accepts a closed set of spoken sentences (the stt
Vocabulary). Two steps bridge them:

1. ``normalise`` brings a transcript into the vocabulary's spelling: lowercase, no punctuation
   (apostrophes inside words stay), numbers as words ("5" -> "five", "50%" -> "fifty percent",
   via unicode-rbnf, which hassil itself uses), no wake phrase (or near miss of it: "hestia",
   "hey estia", "a hestia") or fillers at the start, no "please"/"thanks" at the end.

2. ``Snapper.snap`` finds the nearest vocabulary sentence by a word-level alignment (a weighted
   edit distance). Why each cost is what it is:

   - Hearing one word where the sentence has another costs their dissimilarity in [0, 1]: the
     mean of the spelling and the sound-key normalised Levenshtein distances. The sound key
     (``sound_key``) folds spellings that sound alike ("bad room"/"bedroom" become identical,
     "pen"/"fan" one letter apart, "of"/"off" identical), because Whisper's mistakes are
     acoustic, not typos.
   - Two heard words may merge into one sentence word ("bad room" -> "bedroom") and one heard
     word may split into two ("riverbank" -> "river bank"), because Whisper places word
     boundaries differently from the vocabulary. Only around a word the vocabulary does not
     have (that is the evidence of a mishearing), and only between near-identical spellings.
   - Small function words ("the", "a", "for", ...) cost 0.3 to add or drop: Whisper drops and
     adds them freely and they never decide what happens. A sentence word nothing was heard for
     costs 1; a heard word the sentence lacks costs 1.5, and so does hearing an ordinary word
     where the sentence has a function word ("what time is it in london" is not "... right
     now"): words the vocabulary lacks are the mark of an out-of-domain request.
   - *Deciding words* choose the action or its target: the home's device and area names (and
     their plurals), a built-in set of contrast words (on/off, open/close, lock/unlock,
     start/stop, up/down, increase/decrease, pause/resume, cancel, ...), numbers and time units.
     A heard deciding word may only align with itself: changing, dropping or merging it into an
     ordinary word costs infinity, so "turn on" never becomes "turn off", "kitchen" never
     "living room", "five minutes" never "nine minutes", whatever the threshold. A deciding word
     of the sentence cannot come from nothing either (that would be a guess) nor from a word
     the vocabulary has ("for" is not "four"); only a word the vocabulary lacks may have been
     it ("pen" -> "fan"), and then at 1.5 times the usual cost.
   - Words whose action destroys data (``VERBATIM_WORDS``: delete, forget, erase, everything)
     must be heard verbatim. Whisper's "believe what I just said" is not snapped to "delete
     what i just said": "repeat what i just said" is as close, and a wrong deletion cannot be
     undone while "not recognised" costs one repetition.
   - The total is divided by the longer word count, so a distance is roughly the share of the
     utterance that had to change, and one threshold fits short and long commands.

   Acceptance asks two things: the distance is at most ``max_distance``, and the nearest sentence
   is at least ``margin`` closer than the nearest one for a *different action*. Two sentences are
   the same action when they differ only in carrier and function words ("turn off the bedroom
   light" / "switch off bedroom light"); an utterance halfway between two actions is "not
   recognised" rather than a coin toss.

Speed: a vocabulary of ~5000 sentences has only ~100 distinct words, so word costs are computed
once per heard word and vocabulary word, and rapidfuzz picks the sentences nearest by characters
and by sound keys (``candidates`` of each) for the exact alignment: ~8 ms median, ~15 ms p95 per
transcript on the 2-core box, against the demo home's 4,586 sentences.

Defaults, from Whisper base transcripts of the research set (FINDINGS.md sections 2 and 3d) and
hand-made near misses and out-of-domain sentences on the demo home (tests/stt/test_snapping.py):
right snaps lie at 0-0.18 ("bad room" 0.02, "at a timer" 0.08, "office pen" 0.15, Festival's
"battery light" 0.18) and out-of-domain sentences at 0.24 and above ("what time is it in london"
0.24, "what is the capital of france" 0.29, most 0.6-0.8), hence ``DEFAULT_MAX_DISTANCE`` 0.2.
The smallest margin of a right snap was 0.0375 ("office pen": "fan" over "fans"), hence
``DEFAULT_MARGIN`` 0.03. Both are to be recalibrated on the development set.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein
from unicode_rbnf import FormatPurpose, RbnfEngine

DEFAULT_MAX_DISTANCE = 0.2
DEFAULT_MARGIN = 0.03
DEFAULT_CANDIDATES = 32
# Distances this far above the threshold plus margin are not worth computing exactly.
GIVE_UP_SLACK = 0.25

FUNCTION_WORD_COST = 0.3
CONTENT_WORD_COST = 1.0
HEARD_CONTENT_WORD_COST = 1.5
DECIDING_WORD_WEIGHT = 1.5
FORBIDDEN = math.inf

FILLERS = frozenset({"um", "umm", "uh", "uhm", "er", "erm", "hm", "hmm", "okay", "ok", "so"})
LEADING_POLITENESS = frozenset({"please"})
TRAILING_POLITENESS = (("thank", "you"), ("thanks",), ("please",))
GREETINGS = frozenset({"hey", "hi", "hay", "a", "ay", "hello", "ok", "okay", "oh"})
WAKE_NAME_TOLERANCE = 0.34

FUNCTION_WORDS = frozenset(
    {
        "the", "a", "an", "to", "of", "my", "our", "your", "in", "for", "is", "it",
        "me", "please", "now", "just", "some", "this", "that", "with", "i",
    }
)  # fmt: skip
# Words that only carry a command ("turn", "set", "tell me"): two sentences that differ only in
# these and in function words are the same action for the margin test.
CARRIER_WORDS = frozenset(
    {
        "turn", "switch", "set", "change", "make", "tell", "what", "what's", "whats", "current",
        "right", "can", "could", "would", "you", "will", "today", "todays", "today's",
    }
)  # fmt: skip
CONTRAST_WORDS = frozenset(
    {
        "on", "off", "open", "opened", "close", "closed", "lock", "locked", "unlock", "unlocked",
        "start", "stop", "up", "down", "increase", "decrease", "raise", "lower", "dim",
        "brighten", "pause", "resume", "cancel", "activate", "deactivate", "enable", "disable",
        "mute", "unmute", "all", "everything", "second", "seconds", "minute", "minutes",
        "hour", "hours", "delete", "forget", "erase",
    }
)  # fmt: skip
# Words whose action destroys data: a sentence with one of them is only reached when the word was
# heard verbatim. Real requests sit as close to "delete" as Whisper's "believe" does ("repeat what
# i just said", "release ..."), and a command not understood costs one repetition while a wrong
# deletion cannot be undone.
VERBATIM_WORDS = frozenset({"delete", "forget", "erase", "everything"})
# Re-cutting word boundaries ("bad room" -> "bedroom") explains a near-identical sound, not a
# different word.
MAX_RECUT_DISSIMILARITY = 0.5
NUMBER_WORDS = frozenset(
    {
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
        "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
        "eighteen", "nineteen", "twenty", "thirty", "forty", "fifty", "sixty", "seventy",
        "eighty", "ninety", "hundred", "thousand", "million", "half", "quarter", "point",
        "minus", "first", "second", "third",
    }
)  # fmt: skip


# --- normalising -------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _english_numbers() -> RbnfEngine:
    return RbnfEngine.for_language("en")


def number_words(number: int | float, *, ordinal: bool = False) -> str:
    """Spell a number the way the vocabulary does: "twenty five", "one hundred five"."""
    purpose = FormatPurpose.ORDINAL if ordinal else FormatPurpose.CARDINAL
    text = _english_numbers().format_number(number, purpose).text
    return text.replace("-", " ").replace(",", "")


def _spell_time(match: re.Match[str]) -> str:
    hours, minutes = int(match.group(1)), int(match.group(2))
    if minutes == 0:
        return f" {number_words(hours)} o'clock "
    if minutes < 10:
        return f" {number_words(hours)} oh {number_words(minutes)} "
    return f" {number_words(hours)} {number_words(minutes)} "


def _spell_number(match: re.Match[str]) -> str:
    digits, suffix = match.group(1).replace(",", ""), match.group(2)
    if suffix:
        return f" {number_words(int(digits), ordinal=True)} "
    number = float(digits) if "." in digits else int(digits)
    return f" {number_words(number)} "


_TIME = re.compile(r"\b(\d{1,2}):(\d{2})\b")
_NUMBER = re.compile(r"(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?:(st|nd|rd|th)\b)?(?!\d)")
_NOT_WORD = re.compile(r"[^\w']+")
_LOOSE_APOSTROPHE = re.compile(r"(?<!\w)'+|'+(?!\w)")


def _spell_out(text: str) -> str:
    text = text.replace("%", " percent ").replace("&", " and ")
    text = _TIME.sub(_spell_time, text)
    return _NUMBER.sub(_spell_number, text)


def _words(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text).lower().replace("\u2019", "'")
    text = _spell_out(text).replace("_", " ")
    text = _LOOSE_APOSTROPHE.sub(" ", _NOT_WORD.sub(" ", text))
    return text.split()


def _close(heard: str, expected: str) -> bool:
    return Levenshtein.normalized_distance(heard, expected) <= WAKE_NAME_TOLERANCE


def _wake_phrase_length(words: Sequence[str], wake_phrase: Sequence[str]) -> int:
    """How many leading words are the wake phrase or a near miss of it ("hey estia",
    "a hestia", "hestia"), 0 if none. Only the name part is matched loosely; a greeting before
    it may be any of GREETINGS, since Whisper hears "hey" as "a", "hay" or "hi"."""
    greeting = [w for w in wake_phrase[:-1] if w in GREETINGS]
    name = "".join(wake_phrase[len(greeting) :])
    for greeting_length in (1, 0):
        for name_length in (1, 2):
            end = greeting_length + name_length
            if len(words) < end:
                continue
            if greeting_length and words[0] not in GREETINGS:
                continue
            if _close("".join(words[greeting_length:end]), name):
                return end
    return 0


def _strip_edges(words: list[str], wake_phrases: Sequence[Sequence[str]]) -> list[str]:
    changed = True
    while changed and words:
        changed = False
        if words[0] in FILLERS or words[0] in LEADING_POLITENESS:
            words, changed = words[1:], True
            continue
        for phrase in wake_phrases:
            length = _wake_phrase_length(words, phrase)
            if length:
                words, changed = words[length:], True
                break
    for ending in TRAILING_POLITENESS:
        if len(words) > len(ending) and tuple(words[-len(ending) :]) == ending:
            words = words[: -len(ending)]
    return words


def normalise(text: str, wake_phrases: Iterable[str] = ("hey hestia",)) -> str:
    """Bring a transcript into the vocabulary's spelling (see the module docstring)."""
    phrases = [phrase.lower().split() for phrase in wake_phrases if phrase.strip()]
    return " ".join(_strip_edges(_words(text), phrases))


# --- word dissimilarity ------------------------------------------------------------------

_SOUND_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"'", ""),
        (r"^kn", "n"),
        (r"^wr", "r"),
        (r"^wh", "w"),
        (r"([^aeiouy])e$", r"\1"),  # silent final e: "console" ~ "cancel"
        (r"ph", "f"),
        (r"gh", ""),
        (r"ck", "k"),
        (r"(sh|ch|tch)", "x"),
        (r"th", "0"),
        (r"c(?=[eiy])", "s"),
        (r"[cqg]", "k"),
        (r"z", "s"),
        (r"b", "p"),
        (r"d", "t"),
        (r"v", "f"),
        (r"[aeiouy]+", "a"),
        (r"(.)\1+", r"\1"),
    )
)


@lru_cache(maxsize=4096)
def sound_key(word: str) -> str:
    """A rough English sound key: voiced and unvoiced consonants folded (b/p, d/t, g/k, v/f,
    z/s), spellings of one sound folded (ph, ck, c/k/q, sh/ch), every vowel run one vowel.
    Cruder than Metaphone on purpose: it only has to rank near misses, not spell."""
    key = word
    for pattern, replacement in _SOUND_RULES:
        key = pattern.sub(replacement, key)
    return key or word


def word_dissimilarity(heard: str, expected: str) -> float:
    """0 for the same word, 1 for nothing in common: the mean of the spelling distance and the
    sound-key distance, so both a typo-like and a sound-alike mishearing count as close."""
    if heard == expected:
        return 0.0
    spelling = Levenshtein.normalized_distance(heard, expected)
    sound = Levenshtein.normalized_distance(sound_key(heard), sound_key(expected))
    return (spelling + sound) / 2


# --- snapping ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SnapResult:
    """What a transcript snapped to. ``text`` is the vocabulary sentence when ``snapped``,
    else the normalised transcript; ``distance`` is to the nearest sentence (0 when exact,
    infinity when every sentence would need a deciding word changed); ``runner_up_distance``
    is the nearest sentence for a different action (None when there was none in reach).
    Distances above ``max_distance + margin + GIVE_UP_SLACK`` are lower bounds."""

    text: str
    distance: float
    exact: bool
    runner_up_distance: float | None
    snapped: bool


@dataclass(frozen=True)
class _VocabularySentence:
    """A sentence with its words split once, and its action: the words left when carrier and
    function words are taken away, which two sentences must share to do the same thing."""

    text: str
    words: tuple[str, ...]
    action: frozenset[str]


class Snapper:
    """Snaps transcripts onto one vocabulary; build it once per vocabulary (see module doc).

    ``sentences`` are the Vocabulary's spoken sentences, ``names`` the home's device and area
    names (their words become deciding words). ``max_distance`` and ``margin`` decide
    acceptance; ``candidates`` is how many sentences each prefilter passes to the alignment.
    """

    def __init__(
        self,
        sentences: Iterable[str],
        names: Iterable[str],
        *,
        wake_phrases: Sequence[str] = ("hey hestia",),
        max_distance: float = DEFAULT_MAX_DISTANCE,
        margin: float = DEFAULT_MARGIN,
        candidates: int = DEFAULT_CANDIDATES,
    ) -> None:
        if candidates < 1:
            raise ValueError(f"candidates must be at least 1, got {candidates}")
        self.max_distance = max_distance
        self.margin = margin
        self.candidates = candidates
        self.wake_phrases = tuple(wake_phrases)
        unique = dict.fromkeys(" ".join(s.lower().split()) for s in sentences)
        self._sentences = [self._sentence(text) for text in unique if text]
        self._exact = {s.text for s in self._sentences}
        self._texts = [s.text for s in self._sentences]
        self._sound_texts = [" ".join(sound_key(w) for w in s.words) for s in self._sentences]
        name_words = {w for name in names for w in name.lower().split()}
        self.deciding_words = frozenset(
            (name_words - FUNCTION_WORDS) | CONTRAST_WORDS | NUMBER_WORDS
        )
        self._vocabulary_words = frozenset(w for s in self._sentences for w in s.words)

    @staticmethod
    def action_of(text: str) -> frozenset[str]:
        """What two sentences must share to do the same thing: their words without carrier and
        function words ("turn off the bedroom light" and "switch off bedroom light" agree)."""
        return frozenset(w for w in text.split() if w not in FUNCTION_WORDS | CARRIER_WORDS)

    @classmethod
    def _sentence(cls, text: str) -> _VocabularySentence:
        return _VocabularySentence(text, tuple(text.split()), cls.action_of(text))

    def is_deciding(self, word: str) -> bool:
        """A word that chooses the action or its target: a deciding word or the plural of one
        ("lights" names a different target from "light")."""
        return word in self.deciding_words or (
            word.endswith("s") and word[:-1] in self.deciding_words
        )

    def is_vocabulary_word(self, word: str) -> bool:
        """Whether some vocabulary sentence has this word."""
        return word in self._vocabulary_words

    def snap(self, text: str) -> SnapResult:
        """Snap one transcript (see the module docstring for the rules)."""
        heard = normalise(text, self.wake_phrases)
        if heard in self._exact:
            return SnapResult(heard, 0.0, True, None, True)
        words = heard.split()
        if not words or not self._sentences:
            return SnapResult(heard, math.inf, False, None, False)
        alignment = _Alignment(words, self)
        give_up_above = self.max_distance + self.margin + GIVE_UP_SLACK
        scored = sorted(
            (alignment.distance(s.words, give_up_above), index)
            for index, s in self._candidates(heard, words)
        )
        best_distance, best_index = scored[0]
        best = self._sentences[best_index]
        runner_up = next(
            (d for d, i in scored if self._sentences[i].action != best.action and d < math.inf),
            None,
        )
        clear = runner_up is None or runner_up - best_distance >= self.margin
        snapped = best_distance <= self.max_distance and clear
        return SnapResult(best.text if snapped else heard, best_distance, False, runner_up, snapped)

    def nearest(self, text: str, count: int) -> list[str]:
        """Up to ``count`` vocabulary sentences near a transcript by characters and by sound keys,
        whatever their action: the candidates an acoustic model can be asked to choose among."""
        heard = normalise(text, self.wake_phrases)
        words = heard.split()
        if not words or not self._sentences:
            return []
        per_key = max(1, (3 * count) // 4)
        return [s.text for _, s in self._candidates(heard, words, per_key)][:count]

    def _candidates(
        self, heard: str, words: Sequence[str], limit: int | None = None
    ) -> list[tuple[int, _VocabularySentence]]:
        """The sentences nearest by characters and by sound keys: cheap to find with rapidfuzz,
        and the exact alignment only has to rank these."""
        limit = min(limit or self.candidates, len(self._sentences))
        sound = " ".join(sound_key(w) for w in words)
        picked: dict[int, None] = {}
        for query, choices in ((heard, self._texts), (sound, self._sound_texts)):
            for _, _, index in process.extract(query, choices, scorer=fuzz.ratio, limit=limit):
                picked[index] = None
        return [(index, self._sentences[index]) for index in picked]


class _Alignment:
    """The weighted word-level edit distance of one transcript against many sentences.

    Every cost that depends only on words is computed once per (heard position, vocabulary
    word) and kept in dictionaries, so aligning against one more sentence is table look-ups.
    """

    def __init__(self, heard: Sequence[str], snapper: Snapper) -> None:
        self.heard = tuple(heard)
        self.snapper = snapper
        self._drop = [self._drop_cost(w) for w in self.heard]
        # Word boundaries are only re-cut around a word the vocabulary does not know: two known
        # words heard side by side were heard as such ("living room" is not "bedroom").
        unknown = [not snapper.is_vocabulary_word(w) for w in self.heard]
        self._may_merge = [i > 0 and (unknown[i - 1] or unknown[i]) for i in range(len(unknown))]
        self._may_split = unknown
        self._insert: dict[str, float] = {}
        self._substitute: list[dict[str, float]] = [{} for _ in self.heard]
        self._merge: list[dict[str, float]] = [{} for _ in self.heard]
        self._split: list[dict[tuple[str, str], float]] = [{} for _ in self.heard]

    def _drop_cost(self, word: str) -> float:
        """A heard word the sentence does not have."""
        if self.snapper.is_deciding(word):
            return FORBIDDEN
        return FUNCTION_WORD_COST if word in FUNCTION_WORDS else HEARD_CONTENT_WORD_COST

    def _insert_cost(self, word: str) -> float:
        """A sentence word nothing was heard for: a deciding one would be a guess."""
        if self.snapper.is_deciding(word) or word in VERBATIM_WORDS:
            return FORBIDDEN
        return FUNCTION_WORD_COST if word in FUNCTION_WORDS else CONTENT_WORD_COST

    def _heard_as(self, heard: str, expected: tuple[str, ...]) -> float:
        """Cost of hearing ``heard`` (one heard word, or two joined) where the sentence says
        ``expected`` (one word, or two when a heard word is split)."""
        joined = "".join(expected)
        if heard == joined:
            return 0.0
        snapper = self.snapper
        if snapper.is_deciding(heard) or any(w in VERBATIM_WORDS for w in expected):
            return FORBIDDEN
        deciding = any(snapper.is_deciding(w) for w in expected)
        if deciding and snapper.is_vocabulary_word(heard):
            # "for" is a word the vocabulary has, so it was heard as such, not as "four".
            return FORBIDDEN
        if heard not in FUNCTION_WORDS and any(w in FUNCTION_WORDS for w in expected):
            # "london" heard where the sentence says "now" is not a mishearing but a word the
            # vocabulary lacks: it costs as much as dropping it, or long sentences absorb it.
            return HEARD_CONTENT_WORD_COST
        weight = DECIDING_WORD_WEIGHT if deciding else 1.0
        return weight * word_dissimilarity(heard, joined)

    def _recut(self, heard: str, expected: tuple[str, ...]) -> float:
        """A changed word boundary explains a near-identical sound, not a different word."""
        if word_dissimilarity(heard, "".join(expected)) > MAX_RECUT_DISSIMILARITY:
            return FORBIDDEN
        return self._heard_as(heard, expected)

    def _substitute_cost(self, i: int, expected: str) -> float:
        table = self._substitute[i]
        cost = table.get(expected)
        if cost is None:
            cost = table[expected] = self._heard_as(self.heard[i], (expected,))
        return cost

    def _merge_cost(self, i: int, expected: str) -> float:
        """Heard words i-1 and i as one sentence word ("bad room" -> "bedroom")."""
        table = self._merge[i]
        cost = table.get(expected)
        if cost is None:
            first, second = self.heard[i - 1], self.heard[i]
            is_deciding = self.snapper.is_deciding
            if (is_deciding(first) or is_deciding(second)) and not is_deciding(expected):
                # A heard deciding word may only dissolve into another one ("bad room" ->
                # "bedroom"), never vanish into an ordinary word ("light brightnes").
                cost = FORBIDDEN
            else:
                cost = self._recut(first + second, (expected,))
            table[expected] = cost
        return cost

    def _split_cost(self, i: int, first: str, second: str) -> float:
        """Heard word i as two sentence words ("riverbank" -> "river bank")."""
        table = self._split[i]
        cost = table.get((first, second))
        if cost is None:
            cost = table[(first, second)] = self._recut(self.heard[i], (first, second))
        return cost

    def _inserts(self, sentence: Sequence[str]) -> list[float]:
        costs = []
        for word in sentence:
            cost = self._insert.get(word)
            if cost is None:
                cost = self._insert[word] = self._insert_cost(word)
            costs.append(cost)
        return costs

    def distance(self, sentence: Sequence[str], give_up_above: float = math.inf) -> float:
        """Alignment cost divided by the longer word count (infinity if a guard forbids it).

        Once every path already costs more than ``give_up_above`` (as a distance), the
        alignment stops and returns that lower bound: a sentence that far away can neither be
        snapped to nor be a close runner-up, and long out-of-domain transcripts stay fast."""
        columns = len(sentence) + 1
        length = max(len(self.heard), len(sentence))
        give_up_cost = give_up_above * length
        inserts = self._inserts(sentence)
        previous2: list[float] = []
        previous = [0.0] * columns
        for j in range(1, columns):
            previous[j] = previous[j - 1] + inserts[j - 1]
        for i, drop in enumerate(self._drop):
            substitutes = [self._substitute_cost(i, expected) for expected in sentence]
            merges = [self._merge_cost(i, w) for w in sentence] if self._may_merge[i] else None
            may_split = self._may_split[i]
            current = [previous[0] + drop] + [0.0] * (columns - 1)
            for j in range(1, columns):
                cost = min(
                    previous[j] + drop,
                    current[j - 1] + inserts[j - 1],
                    previous[j - 1] + substitutes[j - 1],
                )
                if merges is not None:
                    cost = min(cost, previous2[j - 1] + merges[j - 1])
                if may_split and j > 1:
                    split = self._split_cost(i, sentence[j - 2], sentence[j - 1])
                    cost = min(cost, previous[j - 2] + split)
                current[j] = cost
            # A merge can skip one row, so the cheapest of the last two rows bounds the total.
            lower_bound = min(min(current), min(previous))
            if lower_bound > give_up_cost:
                return lower_bound / length
            previous2, previous = previous, current
        return previous[-1] / length
