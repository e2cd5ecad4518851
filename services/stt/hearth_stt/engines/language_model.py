"""A tiny backoff n-gram language model written as ARPA text.

Closed-domain recognition wants a model that strongly prefers the sentences the
intent templates accept, yet still lets unexpected speech come out as *some*
other word sequence (so it does not match an intent by accident).  A strict
grammar (JSGF/FSG) forces every utterance onto one of the sentences; a
backoff n-gram with a small discount keeps a way out.  The model is small
(hundreds of sentences), so a plain Python builder is fast enough to run each
time the intent service publishes a new vocabulary.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence

BOS = "<s>"
EOS = "</s>"
_LOG10_FLOOR = -99.0

NGram = tuple[str, ...]


def _log10(p: float) -> float:
    return math.log10(p) if p > 0.0 else _LOG10_FLOOR


def _count_ngrams(sentences: Iterable[Sequence[str]], order: int) -> list[Counter[NGram]]:
    counts: list[Counter[NGram]] = [Counter() for _ in range(order)]
    for words in sentences:
        padded = (BOS, *words, EOS)
        for n in range(1, order + 1):
            for i in range(len(padded) - n + 1):
                gram = padded[i : i + n]
                if n == 1 and gram == (BOS,):
                    continue
                counts[n - 1][gram] += 1
    return counts


class BackoffLanguageModel:
    """An absolute-mass backoff n-gram model (the scheme Sphinx's own tools use).

    Every seen n-gram keeps ``1 - discount`` of its maximum-likelihood probability;
    the freed mass goes to the lower order through a backoff weight computed so
    that each history's distribution sums to one.  ``extra_words`` get unigram
    mass too, so words of the vocabulary that appear in no sentence can still be
    recognised on their own.
    """

    def __init__(
        self,
        sentences: Iterable[Sequence[str]],
        *,
        order: int = 3,
        discount: float = 0.5,
        extra_words: Iterable[str] = (),
    ) -> None:
        if not 0.0 < discount < 1.0:
            raise ValueError(f"discount must be between 0 and 1, got {discount}")
        if order < 1:
            raise ValueError(f"order must be at least 1, got {order}")
        self.order = order
        self.discount = discount
        self._counts = _count_ngrams([tuple(s) for s in sentences if s], order)
        for word in extra_words:
            if (word,) not in self._counts[0]:
                self._counts[0][(word,)] += 1
        if not self._counts[0]:
            raise ValueError("cannot build a language model from an empty vocabulary")
        self._prob: dict[NGram, float] = {}
        self._backoff: dict[NGram, float] = {}
        self._estimate()

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(sorted(g[0] for g in self._counts[0] if g[0] not in (BOS, EOS)))

    def _estimate(self) -> None:
        total = sum(self._counts[0].values())
        vocab = [g for g in self._counts[0]]
        uniform = 1.0 / len(vocab)
        for gram in vocab:
            ml = self._counts[0][gram] / total
            self._prob[gram] = (1.0 - self.discount) * ml + self.discount * uniform
        self._prob[(BOS,)] = 0.0
        for n in range(2, self.order + 1):
            history_totals: Counter[NGram] = Counter()
            for gram, c in self._counts[n - 1].items():
                history_totals[gram[:-1]] += c
            for gram, c in self._counts[n - 1].items():
                self._prob[gram] = (1.0 - self.discount) * c / history_totals[gram[:-1]]
        self._compute_backoffs()

    def _compute_backoffs(self) -> None:
        followers: dict[NGram, list[NGram]] = defaultdict(list)
        for n in range(2, self.order + 1):
            for gram in self._counts[n - 1]:
                followers[gram[:-1]].append(gram)
        for history, grams in followers.items():
            seen = sum(self._prob[g] for g in grams)
            lower_seen = sum(self.probability(g[1:]) for g in grams)
            denominator = max(1.0 - lower_seen, 1e-9)
            self._backoff[history] = max(1.0 - seen, 1e-9) / denominator

    def probability(self, gram: NGram) -> float:
        """P(last word | preceding words) with backoff, for scoring and tests."""
        if gram in self._prob:
            return self._prob[gram]
        if len(gram) == 1:
            return 0.0
        return self._backoff.get(gram[:-1], 1.0) * self.probability(gram[1:])

    def to_arpa(self) -> str:
        """Serialise in the ARPA text format that pocketsphinx and Kaldi read."""
        by_order: list[list[NGram]] = [[] for _ in range(self.order)]
        for gram in self._prob:
            by_order[len(gram) - 1].append(gram)
        lines = ["\\data\\"]
        lines += [f"ngram {n + 1}={len(grams)}" for n, grams in enumerate(by_order)]
        for n, grams in enumerate(by_order):
            lines += ["", f"\\{n + 1}-grams:"]
            for gram in sorted(grams):
                fields = [f"{_log10(self._prob[gram]):.6f}", " ".join(gram)]
                if n + 1 < self.order and gram in self._backoff:
                    fields.append(f"{_log10(self._backoff[gram]):.6f}")
                elif n + 1 < self.order and gram != (EOS,):
                    fields.append("0.000000")
                lines.append(" ".join(fields))
        lines += ["", "\\end\\", ""]
        return "\n".join(lines)


def build_arpa(
    sentences: Iterable[Sequence[str]],
    *,
    order: int = 3,
    discount: float = 0.5,
    extra_words: Iterable[str] = (),
) -> str:
    """Build the ARPA text for ``sentences`` (each a sequence of words)."""
    model = BackoffLanguageModel(sentences, order=order, discount=discount, extra_words=extra_words)
    return model.to_arpa()
