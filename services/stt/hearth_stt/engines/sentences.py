"""Vocabulary arithmetic both engines share: which words a model can say, which hypothesis wins."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence

from hearth_stt.engines.base import Vocabulary, VocabularyReport


def normalise_sentence(sentence: str) -> str:
    """Collapse whitespace and case so vocabulary comparisons are exact but forgiving."""
    return " ".join(sentence.lower().split())


def choose_in_vocabulary(
    hypotheses: Sequence[str], sentences: Iterable[str]
) -> tuple[str, tuple[str, ...]]:
    """Prefer the best hypothesis that is a whole vocabulary sentence.

    Returns the chosen text and the remaining hypotheses (deduplicated, best first).
    When none is in the vocabulary, the best hypothesis stays first, so
    out-of-domain speech still comes out as something no template accepts.
    """
    ordered: list[str] = []
    for hyp in hypotheses:
        norm = normalise_sentence(hyp)
        if norm not in ordered:
            ordered.append(norm)
    if not ordered:
        return "", ()
    known = set(sentences)
    chosen = next((h for h in ordered if h in known), ordered[0])
    return chosen, tuple(h for h in ordered if h != chosen)


def posterior(chosen_score: float, scores: Sequence[float]) -> float | None:
    """The share of the n-best probability mass (log-domain scores) held by the chosen one."""
    if not scores:
        return None
    top = max(scores)
    total = sum(math.exp(s - top) for s in scores)
    return math.exp(chosen_score - top) / total


def vocabulary_report(
    vocabulary: Vocabulary, in_lexicon: Callable[[str], bool]
) -> VocabularyReport:
    """Which of the vocabulary's words the model can say; the others are dropped and reported."""
    words = sorted({w for s in vocabulary.sentences for w in s.split()} | set(vocabulary.words))
    missing = tuple(w for w in words if not in_lexicon(w))
    return VocabularyReport(accepted_words=len(words) - len(missing), missing_words=missing)


def speakable_sentences(vocabulary: Vocabulary, missing: Iterable[str]) -> list[str]:
    """The sentences with unsayable words removed, lowercased, deduplicated, in original order."""
    dropped = set(missing)
    kept = (
        " ".join(w for w in s.lower().split() if w not in dropped) for s in vocabulary.sentences
    )
    return list(dict.fromkeys(s for s in kept if s))
