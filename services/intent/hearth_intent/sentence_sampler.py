"""Sample the recogniser's vocabulary from compiled spoken templates, within a sentence budget.

The full expansion of the templates runs to millions of sentences (every number, every optional
word), so a bounded vocabulary is drawn from it: the budget is shared fairly between intents, then
between each intent's templates; a template that fits is expanded whole, a larger one gives its
canonical sentence, then sentences covering each of its alternatives, then random ones. Sampling
is seeded by the templates themselves, so a configuration always yields the same vocabulary (the
version the stt service caches its grammar under depends on it).
"""

from __future__ import annotations

import itertools
import random
import zlib
from collections.abc import Iterator, Sequence

from hassil import normalize_whitespace

from hearth_intent.spoken_templates import (
    Alternatives,
    Concatenation,
    SpokenNode,
    SpokenTemplate,
    TemplatesByIntent,
    expansion_count,
    is_speakable,
)

VOCABULARY_SEED = "hearth-vocabulary-v1"
"""Mixed into every template's random seed; changing it changes every published vocabulary."""

RANDOM_DRAWS_PER_SENTENCE = 20
"""Random expansions tried per sentence wanted, before settling for fewer distinct ones."""


def sample_vocabulary(per_intent: TemplatesByIntent, max_sentences: int) -> tuple[str, ...]:
    """At most max_sentences distinct spoken sentences across all intents, sorted."""
    capacities = [
        sum(expansion_count(t.root) for t in templates) for templates in per_intent.values()
    ]
    sentences: set[str] = set()
    intent_budgets = share_budget(capacities, max_sentences)
    for templates, intent_budget in zip(per_intent.values(), intent_budgets, strict=True):
        quotas = share_budget([expansion_count(t.root) for t in templates], intent_budget)
        # A template's covering sentences start where its predecessors' stopped.
        offsets = itertools.accumulate(quotas, initial=0)
        for template, quota, offset in zip(templates, quotas, offsets, strict=False):
            samples = sample_template(template, quota, offset)
            sentences.update(s for s in samples if s and is_speakable(s))
    return tuple(sorted(sentences))


def share_budget(capacities: Sequence[int], budget: int) -> list[int]:
    """Split a budget evenly between parts, handing what small parts can't use to the larger ones.

    This is water filling: every part gets the same share until it is full, so an intent with
    three sentences keeps all three while a large one still gets most of the budget.
    """
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


def sample_template(template: SpokenTemplate, quota: int, offset: int) -> list[str]:
    """Canonical sentence, then covering sentences, then uniform random walks up to the quota.

    ``offset`` staggers the covering sentences of sibling templates so a small quota per
    template still covers long lists (numbers 1-100) across the intent.
    """
    if quota <= 0:
        return []
    if expansion_count(template.root) <= quota:
        return [_tidy(s) for s in every_expansion(template.root)]
    found: dict[str, None] = {_tidy(covering_expansion(template.root, 0)): None}
    covering = min(max(quota // 2, 1), widest_choice(template.root))
    for i in range(1, covering):
        found[_tidy(covering_expansion(template.root, offset + i))] = None
    rng = random.Random(zlib.crc32(f"{VOCABULARY_SEED}|{template.key}".encode()))
    for _ in range(quota * RANDOM_DRAWS_PER_SENTENCE):
        if len(found) >= quota:
            break
        found[_tidy(random_expansion(template.root, rng))] = None
    return list(found)[:quota]


def every_expansion(node: SpokenNode) -> Iterator[str]:
    """Every sentence of the node in template order, repeats included (untidied spacing)."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, Alternatives):
        for item in node.items:
            yield from every_expansion(item)
    elif isinstance(node, Concatenation):
        for parts in itertools.product(*(list(every_expansion(i)) for i in node.items)):
            yield "".join(parts)
    else:
        for order in itertools.permutations(node.items):
            for parts in itertools.product(*(list(every_expansion(i)) for i in order)):
                yield " ".join(parts)


def covering_expansion(node: SpokenNode, k: int) -> str:
    """The k-th covering expansion: alternative k (modulo its size) at every choice.

    k = 0 is the template's canonical reading ("turn on the kitchen light"); k = 0 .. widest - 1
    together say every alternative of every choice, so each word of the template shows up
    without enumerating the product. Any-order parts keep their written order.
    """
    if isinstance(node, str):
        return node
    if isinstance(node, Alternatives):
        return covering_expansion(node.items[k % len(node.items)], k)
    separator = "" if isinstance(node, Concatenation) else " "
    return separator.join(covering_expansion(item, k) for item in node.items)


def widest_choice(node: SpokenNode) -> int:
    """The most alternatives any single choice in the tree offers: covering sentences needed."""
    if isinstance(node, str):
        return 1
    own = len(node.items) if isinstance(node, Alternatives) else 1
    return max([own, *map(widest_choice, node.items)])


def random_expansion(node: SpokenNode, rng: random.Random) -> str:
    """Draw one expansion, choosing uniformly at each branch so every word gets a fair chance."""
    if isinstance(node, str):
        return node
    if isinstance(node, Alternatives):
        return random_expansion(rng.choice(node.items), rng)
    if isinstance(node, Concatenation):
        return "".join(random_expansion(item, rng) for item in node.items)
    order = list(node.items)
    rng.shuffle(order)
    return " ".join(random_expansion(item, rng) for item in order)


def _tidy(sentence: str) -> str:
    """Collapse the doubled and edge spaces that optional words leave behind."""
    return normalize_whitespace(sentence).strip()
