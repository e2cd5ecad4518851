"""hassil sentence templates compiled into trees of the sentences a speech recogniser could output.

A recogniser writes words, not digits or symbols, so a template becomes a tree whose leaves are
lowercase spoken text: numbers spelled out the ways hassil accepts, list references replaced by
the home's names, and anything with no closed spoken form (wildcards, digits) made unsayable.
Every node knows how many expansions it has, so the sampler can share a sentence budget fairly
without expanding anything.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

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
)
from hassil import Sequence as HassilSequence
from hassil.intents import IntentData
from hassil.numbers import get_rbnf_engine

NOT_IN_VOCABULARY = "hearth_not_in_vocabulary"
"""Block metadata: understood when typed or heard, but left out of the recogniser's vocabulary,
where near-duplicate phrasings would take probability from other commands' words."""

SITE_CONTEXT_KEYS = frozenset({"area"})
"""Context the service supplies itself (the site's room), so templates that need it are reachable
and belong in the vocabulary."""


@dataclass(frozen=True)
class Alternatives:
    """Exactly one of the items is said; with no items, nothing can be said."""

    items: tuple[SpokenNode, ...]
    expansions: int


@dataclass(frozen=True)
class Concatenation:
    """The items said one after the other, joined as written (template text carries its spaces)."""

    items: tuple[SpokenNode, ...]
    expansions: int


@dataclass(frozen=True)
class AnyOrder:
    """Every item said once, in any order, separated by spaces (hassil's permutation)."""

    items: tuple[SpokenNode, ...]
    expansions: int


SpokenNode = str | Alternatives | Concatenation | AnyOrder
"""A spoken-form tree; a plain string is a leaf said as it is."""

UNSAYABLE = Alternatives(items=(), expansions=0)


def expansion_count(node: SpokenNode) -> int:
    """How many sentences the node expands to, counting repeats: the size of the full product."""
    return 1 if isinstance(node, str) else node.expansions


def alternatives(nodes: Iterable[SpokenNode]) -> Alternatives:
    """A choice between the sayable nodes, so an unsayable branch never gets picked."""
    items = tuple(node for node in nodes if expansion_count(node) > 0)
    return Alternatives(items, sum(map(expansion_count, items)))


def concatenation(nodes: Iterable[SpokenNode]) -> Concatenation:
    items = tuple(nodes)
    return Concatenation(items, math.prod(map(expansion_count, items)))


def any_order(nodes: Iterable[SpokenNode]) -> AnyOrder:
    items = tuple(nodes)
    orders = math.factorial(len(items))
    return AnyOrder(items, math.prod(map(expansion_count, items)) * orders)


def is_speakable(text: str) -> bool:
    """True for text a recogniser could output: letters, combining marks, spaces, apostrophes."""
    return all(
        ch.isalpha() or ch in " '" or unicodedata.category(ch).startswith("M") for ch in text
    )


@dataclass(frozen=True)
class SpokenTemplate:
    """One template sentence of an intent, compiled."""

    key: str
    """intent|block index|template text: stable across runs, so it seeds the template's sampling."""
    root: SpokenNode


TemplatesByIntent = dict[str, list[SpokenTemplate]]


@dataclass
class SpokenFormCompiler:
    """Turns a hassil expression into a tree of spoken alternatives with exact counts."""

    slot_lists: dict[str, SlotList]
    rules: dict[str, Any]
    language: str
    accepts_value: Callable[[TextSlotValue], bool]
    _number_words: dict[tuple[int, int, int, str], Alternatives] = field(default_factory=dict)

    def compile(self, expr: Expression) -> SpokenNode:
        if isinstance(expr, TextChunk):
            text = expr.original_text.lower()
            return text if is_speakable(text) else UNSAYABLE
        if isinstance(expr, Alternative):
            return alternatives(map(self.compile, expr.items))
        if isinstance(expr, Permutation):
            return any_order(map(self.compile, expr.items))
        if isinstance(expr, HassilSequence):
            return concatenation(map(self.compile, expr.items))
        if isinstance(expr, ListReference):
            return self._compile_list(expr)
        if isinstance(expr, RuleReference):
            rule = self.rules.get(expr.rule_name)
            return self.compile(rule.expression) if rule is not None else UNSAYABLE
        return UNSAYABLE

    def _compile_list(self, ref: ListReference) -> SpokenNode:
        slot_list = self.slot_lists.get(ref.list_name)
        inline = ref.get_inline_range() if ref.is_inline_range else None
        if slot_list is None and inline is not None:
            slot_list = RangeSlotList(name=None, start=inline[0], stop=inline[1], step=inline[2])
        if isinstance(slot_list, TextSlotList):
            values = [v.text_in for v in slot_list.values if self.accepts_value(v)]
            return alternatives(map(self.compile, values))
        if isinstance(slot_list, RangeSlotList) and slot_list.words:
            return self._spelled_range(slot_list)
        return UNSAYABLE  # wildcards and unknown lists have no closed spoken form

    def _spelled_range(self, range_list: RangeSlotList) -> Alternatives:
        """Spelled numbers, cached: timers and brightness share ranges, and spelling is slow."""
        language = range_list.words_language or self.language
        key = (range_list.start, range_list.stop, range_list.step, language)
        cached = self._number_words.get(key)
        if cached is None:
            cached = spelled_numbers(range_list, language)
            self._number_words[key] = cached
        return cached


def spelled_numbers(range_list: RangeSlotList, language: str) -> Alternatives:
    """Spell every number in the range the ways hassil accepts, hyphens read as spaces."""
    try:
        engine = get_rbnf_engine(language)
    except ValueError:
        return UNSAYABLE
    forms: dict[str, None] = {}
    for number in range_list.get_numbers():
        for text in engine.format_number(number).text_by_ruleset.values():
            spoken = normalize_whitespace(text.replace("-", " ").lower()).strip()
            if is_speakable(spoken):
                forms[spoken] = None
    return alternatives(forms)


def compile_templates(
    intents: Intents, language: str, spoken_only: bool = False
) -> TemplatesByIntent:
    """Every intent's sayable templates, intents in name order so sampling is deterministic.

    ``spoken_only`` leaves out blocks marked NOT_IN_VOCABULARY.
    """
    return {
        name: _intent_templates(intents, language, name, spoken_only)
        for name in sorted(intents.intents)
    }


def _intent_templates(
    intents: Intents, language: str, intent_name: str, spoken_only: bool
) -> list[SpokenTemplate]:
    templates: list[SpokenTemplate] = []
    for index, block in enumerate(intents.intents[intent_name].data):
        if spoken_only and (block.metadata or {}).get(NOT_IN_VOCABULARY):
            continue
        compiler = SpokenFormCompiler(
            slot_lists={**intents.slot_lists, **block.slot_lists},
            rules={**intents.expansion_rules, **block.expansion_rules},
            language=language,
            accepts_value=_value_filter(block),
        )
        for sentence in block.sentences:
            if not _context_reachable(block, sentence.list_names(compiler.rules), compiler):
                continue
            root = compiler.compile(sentence.expression)
            if expansion_count(root) > 0:
                templates.append(SpokenTemplate(f"{intent_name}|{index}|{sentence.text}", root))
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


def _context_reachable(
    block: IntentData, list_names: Iterable[str], compiler: SpokenFormCompiler
) -> bool:
    """A required context key must come from the site or from a value of a list in the template."""
    provided = set(SITE_CONTEXT_KEYS)
    for list_name in list_names:
        slot_list = compiler.slot_lists.get(list_name)
        if isinstance(slot_list, TextSlotList):
            for value in slot_list.values:
                if value.context and compiler.accepts_value(value):
                    provided.update(value.context)
    return set(block.requires_context) <= provided
