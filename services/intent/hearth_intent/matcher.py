"""Match final transcripts to Home Assistant intents, and publish the matching vocabulary.

The sentence templates come from home-assistant-intents, so Hearth inherits 60+ languages
maintained by that community instead of writing its own. hassil does the matching. The same
templates, expanded into spoken sentences, become the closed-domain vocabulary for the speech
recogniser (the Rhasspy / speech-to-phrase trick), so the recogniser and the matcher can
never disagree about what is sayable.
"""

from __future__ import annotations

import functools
import itertools
import random
import unicodedata
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union

import yaml
from hassil import (
    Alternative,
    Expression,
    Intents,
    ListReference,
    Permutation,
    RangeSlotList,
    RuleReference,
    SlotList,
    TextChunk,
    TextSlotList,
    TextSlotValue,
    check_excluded_context,
    check_required_context,
    normalize_whitespace,
    recognize_best,
)
from hassil import Sequence as HassilSequence
from hassil.intents import IntentData
from hassil.numbers import get_rbnf_engine
from home_assistant_intents import (
    get_intents,
    get_languages,
    get_speech_to_phrase_intents,
    get_speech_to_phrase_languages,
)

from hearth.privacy import PRIVACY_INTENTS

DEFAULT_INTENTS: tuple[str, ...] = (
    "HassTurnOn",
    "HassTurnOff",
    "HassLightSet",
    "HassGetCurrentTime",
    "HassGetCurrentDate",
    "HassStartTimer",
    "HassCancelTimer",
    "HassGetWeather",
    "HassNevermind",
)

# Sentences the upstream data lacks but people say to a voice assistant, and Hearth's own
# privacy commands: hassil YAML data in sentences/<language>.yaml, in upstream's format.
_SENTENCES_DIR = Path(__file__).parent / "sentences"
_NOT_SPOKEN = "hearth_not_in_vocabulary"
"""Block metadata: understood when typed or heard, but left out of the recogniser's vocabulary, where
near-duplicate phrasings would take probability from other commands' words."""


@functools.cache
def _extra_sentences(language: str) -> dict[str, list[dict[str, Any]]]:
    """Intent name → extra data blocks for the language (none when Hearth ships no file for it)."""
    path = _SENTENCES_DIR / f"{language}.yaml"
    if not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {name: list(intent.get("data", [])) for name, intent in data.get("intents", {}).items()}


# Context the service supplies itself (the site's room), so templates that need it are
# reachable and belong in the vocabulary.
_SITE_CONTEXT_KEYS = frozenset({"area"})

_VOCABULARY_SEED = "hearth-vocabulary-v1"


@dataclass(frozen=True)
class Device:
    """A controllable thing in the home, as the owner names it."""

    name: str
    domain: str
    area: str | None = None


@dataclass(frozen=True)
class IntentMatch:
    """An intent recognised in a transcript, with slot values flattened to strings."""

    intent: str
    slots: dict[str, str]
    text: str


class IntentMatcher:
    """hassil matcher over one language's templates and the home's areas and devices.

    Everything expensive (loading JSON, parsing templates, number-word tries) happens once in
    the constructor, so recognize() stays in the low milliseconds.
    """

    def __init__(
        self,
        language: str,
        *,
        intents: Sequence[str] | None,
        areas: Sequence[str],
        devices: Sequence[Device],
    ) -> None:
        data = _load_language(language)
        self.language = language
        self.intent_names = _select_intents(language, data, intents)
        domains = {device.domain for device in devices}
        self._intents = _build_intents(language, data, self.intent_names, domains)
        self._intents.slot_lists.update(_home_slot_lists(areas, devices))
        _add_missing_lists(self._intents)
        self._templates = _compile_templates(self._intents, language)
        self._vocabulary_templates = (
            self._speech_templates(language, areas, devices, domains) or self._templates
        )
        self._vocabulary_cache: dict[int, tuple[tuple[str, ...], tuple[str, ...]]] = {}
        self._warm_up(areas)

    def recognize(self, text: str, *, area: str | None = None) -> IntentMatch | None:
        """Return the best intent for a transcript, or None when nothing matches.

        ``area`` is the room of the site that heard the command; it lets "turn on the
        lights" mean the lights in that room, as in Home Assistant.
        """
        if not text.strip():
            return None
        result = recognize_best(
            text,
            self._intents,
            intent_context={"area": area} if area else None,
            language=self.language,
            best_slot_name="name",
        )
        if result is None:
            return None
        slots = {
            name: _slot_text(entity.value)
            for name, entity in result.entities.items()
            if entity.value is not None
        }
        return IntentMatch(intent=result.intent.name, slots=slots, text=text)

    def recognize_spoken(
        self, text: str, *, area: str | None = None, max_leading_words: int = 2
    ) -> IntentMatch | None:
        """Like recognize(), for a transcript from a wake-word session.

        The session's pre-roll can carry the tail of the wake phrase ("...tia turn on the
        lights"), which the recogniser renders as a stray leading word; when the whole
        transcript matches nothing, up to max_leading_words leading words are dropped.
        """
        match = self.recognize(text, area=area)
        words = text.split()
        for drop in range(1, min(max_leading_words, len(words) - 1) + 1):
            if match is not None:
                break
            match = self.recognize(" ".join(words[drop:]), area=area)
            if match is not None:
                match = IntentMatch(intent=match.intent, slots=match.slots, text=text)
        return match

    def vocabulary(self, *, max_sentences: int = 5000) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Return (sentences, words) the speech recogniser should accept.

        Sentences are spoken forms (lowercase, numbers as words, no digits or symbols),
        sampled fairly across intents and templates when the full expansion exceeds
        ``max_sentences``, and deterministic for a given configuration.
        """
        if max_sentences < 1:
            raise ValueError(f"max_sentences must be at least 1, got {max_sentences}")
        cached = self._vocabulary_cache.get(max_sentences)
        if cached is None:
            sampled = _sample_vocabulary(self._vocabulary_templates, max_sentences)
            sentences = tuple(
                s
                for s in sampled
                if self._templates is self._vocabulary_templates or self.recognize(s)
            )
            words = tuple(sorted({word for sentence in sentences for word in sentence.split()}))
            cached = (sentences, words)
            self._vocabulary_cache[max_sentences] = cached
        return cached

    def _speech_templates(
        self, language: str, areas: Sequence[str], devices: Sequence[Device], domains: set[str]
    ) -> dict[str, list[_Template]] | None:
        """Templates for the recogniser's vocabulary from home-assistant-intents' speech-to-phrase set.

        That set is curated for speech recognisers: the natural phrasings only, so a grammar built
        from it is small and sharp, where the full matching set (every optional word and odd
        combination) would dilute it. Matching still uses the full set, so typed or unusual
        phrasings are understood too; vocabulary() keeps only sentences the full set recognizes.
        """
        if language not in get_speech_to_phrase_languages():
            return None
        data = get_speech_to_phrase_intents(language)
        if not data:
            return None
        names = [name for name in self.intent_names if name in data["intents"]]
        if not names:
            return None
        speech = _build_intents(language, data, names, domains)
        speech.slot_lists.update(_home_slot_lists(areas, devices))
        _add_missing_lists(speech)
        compiled = _compile_templates(speech, language)
        # Intents the speech set lacks keep their spoken templates, so nothing enabled goes unheard.
        spoken = _compile_templates(self._intents, language, spoken_only=True)
        return {name: compiled.get(name) or spoken.get(name, []) for name in self.intent_names}

    def _warm_up(self, areas: Sequence[str]) -> None:
        """Match one sentence per intent so template parsing and number tries are built now."""
        area = areas[0] if areas else None
        for sentence in _sample_vocabulary(self._templates, len(self.intent_names)):
            self.recognize(sentence, area=area)


# --- loading and configuration -------------------------------------------------------------


def _load_language(language: str) -> dict[str, Any]:
    languages = sorted(get_languages())
    data = get_intents(language) if language in languages else None
    if data is None:
        raise ValueError(f"Unknown intent language {language!r}; available: {', '.join(languages)}")
    return data


def _select_intents(
    language: str, data: dict[str, Any], requested: Sequence[str] | None
) -> tuple[str, ...]:
    available = set(data["intents"]) | set(_extra_sentences(language))
    # The privacy commands cannot be configured away: "stop listening" must always work.
    always = tuple(sorted(name for name in PRIVACY_INTENTS if name in available))
    if requested is None:
        return tuple(name for name in DEFAULT_INTENTS if name in available) + always
    if not requested:
        raise ValueError("At least one intent must be enabled")
    unknown = [name for name in requested if name not in available]
    if unknown:
        raise ValueError(
            f"Unknown intent(s) {', '.join(unknown)} for language {language!r}; "
            f"available: {', '.join(sorted(available))}"
        )
    return tuple(dict.fromkeys((*requested, *always)))


def _build_intents(
    language: str, data: dict[str, Any], names: Sequence[str], domains: set[str]
) -> Intents:
    """Load the enabled intents, minus blocks about device kinds the home does not have.

    Dropping "open the garage door" when there is no cover keeps the recogniser's vocabulary
    and the matcher's answers about the home that exists.
    """
    selected: dict[str, Any] = {}
    extras = _extra_sentences(language)
    for name in names:
        blocks = list(data["intents"].get(name, {}).get("data", [])) + extras.get(name, [])
        selected[name] = {"data": blocks}
    intents = Intents.from_dict({**data, "intents": selected})
    for intent in intents.intents.values():
        intent.data = [b for b in intent.data if not b.domains or b.domains & domains]
    return intents


def _home_slot_lists(areas: Sequence[str], devices: Sequence[Device]) -> dict[str, SlotList]:
    """Build the {area} and {name} lists; a device's domain rides along as match context."""
    names = [
        TextSlotValue(
            text_in=TextChunk(device.name), value_out=device.name, context={"domain": device.domain}
        )
        for device in devices
    ]
    return {
        "area": TextSlotList.from_strings(areas, allow_template=False, name="area"),
        "name": TextSlotList(name="name", values=names),
    }


def _add_missing_lists(intents: Intents) -> None:
    """Give templates that reference lists Hearth does not configure (floors, zones...) an
    empty list, so matching skips them instead of raising MissingListError."""
    referenced: set[str] = set()
    for intent in intents.intents.values():
        for block in intent.data:
            rules = {**intents.expansion_rules, **block.expansion_rules}
            for sentence in block.sentences:
                referenced.update(sentence.list_names(rules))
    for list_name in referenced:
        known = list_name in intents.slot_lists or ".." in list_name
        if not known:
            intents.slot_lists[list_name] = TextSlotList(name=list_name, values=[])


def _slot_text(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (list, tuple, set, frozenset)):
        return ",".join(_slot_text(item) for item in value)
    return str(value)


# --- vocabulary: spoken-form expansion of templates ----------------------------------------


@dataclass(frozen=True)
class _Choice:
    """One of several alternatives; an empty choice can never be spoken."""

    items: tuple[_Node, ...]
    count: int


@dataclass(frozen=True)
class _Seq:
    items: tuple[_Node, ...]
    count: int


@dataclass(frozen=True)
class _Perm:
    items: tuple[_Node, ...]
    count: int


_Node = Union[str, _Choice, _Seq, _Perm]
_NEVER = _Choice(items=(), count=0)


def _count(node: _Node) -> int:
    return 1 if isinstance(node, str) else node.count


@dataclass
class _Compiler:
    """Turns a hassil expression into a tree of spoken alternatives with exact counts."""

    slot_lists: dict[str, SlotList]
    rules: dict[str, Any]
    language: str
    accepts_value: Callable[[TextSlotValue], bool]
    _number_words: dict[tuple[int, int, int, str], _Choice] = field(default_factory=dict)

    def compile(self, expr: Expression) -> _Node:
        if isinstance(expr, TextChunk):
            text = expr.original_text.lower()
            return text if _is_spoken(text) else _NEVER
        if isinstance(expr, Alternative):
            items = tuple(n for n in map(self.compile, expr.items) if _count(n) > 0)
            return _Choice(items, sum(map(_count, items)))
        if isinstance(expr, Permutation):
            items = tuple(map(self.compile, expr.items))
            total = _product(map(_count, items)) * _factorial(len(items))
            return _Perm(items, total)
        if isinstance(expr, HassilSequence):
            items = tuple(map(self.compile, expr.items))
            return _Seq(items, _product(map(_count, items)))
        if isinstance(expr, ListReference):
            return self._compile_list(expr)
        if isinstance(expr, RuleReference):
            rule = self.rules.get(expr.rule_name)
            return self.compile(rule.expression) if rule is not None else _NEVER
        return _NEVER

    def _compile_list(self, ref: ListReference) -> _Node:
        slot_list = self.slot_lists.get(ref.list_name)
        inline = ref.get_inline_range() if ref.is_inline_range else None
        if slot_list is None and inline is not None:
            slot_list = RangeSlotList(name=None, start=inline[0], stop=inline[1], step=inline[2])
        if isinstance(slot_list, TextSlotList):
            values = [v.text_in for v in slot_list.values if self.accepts_value(v)]
            items = tuple(n for n in map(self.compile, values) if _count(n) > 0)
            return _Choice(items, sum(map(_count, items)))
        if isinstance(slot_list, RangeSlotList) and slot_list.words:
            return self._range_words(slot_list)
        return _NEVER  # wildcards and unknown lists have no closed spoken form

    def _range_words(self, range_list: RangeSlotList) -> _Choice:
        language = range_list.words_language or self.language
        key = (range_list.start, range_list.stop, range_list.step, language)
        cached = self._number_words.get(key)
        if cached is None:
            cached = _number_choice(range_list, language)
            self._number_words[key] = cached
        return cached


def _number_choice(range_list: RangeSlotList, language: str) -> _Choice:
    """Spell every number in the range the ways hassil accepts, hyphens read as spaces."""
    try:
        engine = get_rbnf_engine(language)
    except ValueError:
        return _NEVER
    forms: dict[str, None] = {}
    for number in range_list.get_numbers():
        for text in engine.format_number(number).text_by_ruleset.values():
            spoken = normalize_whitespace(text.replace("-", " ").lower()).strip()
            if _is_spoken(spoken):
                forms[spoken] = None
    return _Choice(tuple(forms), len(forms))


def _is_spoken(text: str) -> bool:
    """True for text a recogniser could output: letters, combining marks, spaces, apostrophes."""
    return all(
        ch.isalpha() or ch in " '" or unicodedata.category(ch).startswith("M") for ch in text
    )


def _product(values: Iterator[int] | Sequence[int]) -> int:
    result = 1
    for value in values:
        result *= value
    return result


def _factorial(n: int) -> int:
    return _product(range(2, n + 1))


def _enumerate(node: _Node) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, _Choice):
        for item in node.items:
            yield from _enumerate(item)
    elif isinstance(node, _Seq):
        for parts in itertools.product(*(list(_enumerate(i)) for i in node.items)):
            yield "".join(parts)
    else:
        for order in itertools.permutations(node.items):
            for parts in itertools.product(*(list(_enumerate(i)) for i in order)):
                yield " ".join(parts)


def _walk(node: _Node, rng: random.Random) -> str:
    """Draw one expansion, choosing uniformly at each branch so every word gets a fair chance."""
    if isinstance(node, str):
        return node
    if isinstance(node, _Choice):
        return _walk(rng.choice(node.items), rng)
    if isinstance(node, _Seq):
        return "".join(_walk(item, rng) for item in node.items)
    order = list(node.items)
    rng.shuffle(order)
    return " ".join(_walk(item, rng) for item in order)


def _clean(sentence: str) -> str:
    return normalize_whitespace(sentence).strip()


@dataclass(frozen=True)
class _Template:
    key: str
    root: _Node


def _intent_templates(
    intents: Intents, language: str, intent_name: str, spoken_only: bool = False
) -> list[_Template]:
    templates: list[_Template] = []
    for index, block in enumerate(intents.intents[intent_name].data):
        if spoken_only and (block.metadata or {}).get(_NOT_SPOKEN):
            continue
        compiler = _Compiler(
            slot_lists={**intents.slot_lists, **block.slot_lists},
            rules={**intents.expansion_rules, **block.expansion_rules},
            language=language,
            accepts_value=_value_filter(block),
        )
        for sentence in block.sentences:
            if not _context_reachable(block, sentence.list_names(compiler.rules), compiler):
                continue
            root = compiler.compile(sentence.expression)
            if _count(root) > 0:
                templates.append(_Template(f"{intent_name}|{index}|{sentence.text}", root))
    return templates


def _value_filter(block: IntentData) -> Callable[[TextSlotValue], bool]:
    """Keep only list values whose context the block accepts (e.g. {name} limited to lights)."""

    def accepts(value: TextSlotValue) -> bool:
        if not value.context:
            return True
        return check_required_context(
            block.requires_context, value.context, allow_missing_keys=True
        ) and check_excluded_context(block.excludes_context, value.context)

    return accepts


def _context_reachable(block: IntentData, list_names: Any, compiler: _Compiler) -> bool:
    """A required context key must come from the site or from a value of a list in the template."""
    provided = set(_SITE_CONTEXT_KEYS)
    for list_name in list_names:
        slot_list = compiler.slot_lists.get(list_name)
        if isinstance(slot_list, TextSlotList):
            for value in slot_list.values:
                if value.context and compiler.accepts_value(value):
                    provided.update(value.context)
    return set(block.requires_context) <= provided


def _water_fill(capacities: Sequence[int], budget: int) -> list[int]:
    """Split a budget evenly, handing what small parts can't use to the larger ones."""
    quotas = [0] * len(capacities)
    open_parts = [i for i, capacity in enumerate(capacities) if capacity > 0]
    remaining = budget
    while open_parts and remaining > 0:
        share = max(1, remaining // len(open_parts))
        still_open: list[int] = []
        for i in open_parts:
            give = min(share, capacities[i] - quotas[i], remaining)
            quotas[i] += give
            remaining -= give
            if quotas[i] < capacities[i]:
                still_open.append(i)
        open_parts = still_open
    return quotas


def _cover(node: _Node, k: int) -> str:
    """The k-th covering expansion: alternative k (modulo width) at every branch.

    k = 0 is the template's canonical reading ("turn on the kitchen light"); successive k walk
    every alternative, so each word of the template shows up without enumerating the product.
    """
    if isinstance(node, str):
        return node
    if isinstance(node, _Choice):
        return _cover(node.items[k % len(node.items)], k)
    separator = "" if isinstance(node, _Seq) else " "
    return separator.join(_cover(item, k) for item in node.items)


def _width(node: _Node) -> int:
    if isinstance(node, str):
        return 1
    own = len(node.items) if isinstance(node, _Choice) else 1
    return max([own, *map(_width, node.items)])


def _sample_template(template: _Template, quota: int, offset: int) -> list[str]:
    """Canonical sentence, then covering sentences, then uniform random walks up to the quota.

    ``offset`` staggers the covering sentences of sibling templates so a small quota per
    template still covers long lists (numbers 1-100) across the intent.
    """
    if quota <= 0:
        return []
    if _count(template.root) <= quota:
        return [_clean(s) for s in _enumerate(template.root)]
    found: dict[str, None] = {_clean(_cover(template.root, 0)): None}
    covering = min(max(quota // 2, 1), _width(template.root))
    for i in range(1, covering):
        found[_clean(_cover(template.root, offset + i))] = None
    rng = random.Random(zlib.crc32(f"{_VOCABULARY_SEED}|{template.key}".encode()))
    for _ in range(quota * 20):
        if len(found) >= quota:
            break
        found[_clean(_walk(template.root, rng))] = None
    return list(found)[:quota]


def _compile_templates(
    intents: Intents, language: str, spoken_only: bool = False
) -> dict[str, list[_Template]]:
    return {
        name: _intent_templates(intents, language, name, spoken_only)
        for name in sorted(intents.intents)
    }


def _sample_vocabulary(
    per_intent: dict[str, list[_Template]], max_sentences: int
) -> tuple[str, ...]:
    capacities = [sum(_count(t.root) for t in templates) for templates in per_intent.values()]
    sentences: set[str] = set()
    for templates, intent_quota in zip(per_intent.values(), _water_fill(capacities, max_sentences)):
        quotas = _water_fill([_count(t.root) for t in templates], intent_quota)
        offsets = itertools.accumulate(quotas, initial=0)
        for template, quota, offset in zip(templates, quotas, offsets):
            samples = _sample_template(template, quota, offset)
            sentences.update(s for s in samples if s and _is_spoken(s))
    return tuple(sorted(sentences))
