"""Text into the pieces that are synthesised and sent one after the other: sentences, and long
sentences cut at a comma or a space, so the first piece is heard soon and no piece needs much
memory to synthesise."""

from __future__ import annotations

import re

SENTENCE_END = re.compile(
    r"(?:(?<=[.!?…])|(?<=[.!?…][\"')\]]))"  # a full stop, perhaps closing a quote,
    r"\s+(?=[\"'(\[]?[A-Z0-9\u00c0-\u024f])"  # then a capital or a digit
    r"|(?<=[。！？])"  # CJK full stops need no space
    r"|\s*\n\s*\n\s*"  # a blank line
)
"""Where one sentence ends: after a full stop, question or exclamation mark followed by a capital
or a digit (so "p.m. on Monday" and "e.g. this" stay whole), or a blank line."""


FIRST_CLAUSE_MIN_WORDS = 2
"""The first sentence is cut after its first comma when both sides have at least this many words."""


def split_sentences(text: str, max_chars: int) -> list[str]:
    """The pieces to speak, in order, none longer than ``max_chars``, none empty. The first
    sentence's first clause is a piece of its own: it is heard while the rest is synthesised (a
    clause that ends in a comma keeps its rising tone, so the join is not heard as a full stop)."""
    pieces = []
    for sentence in SENTENCE_END.split(text):
        sentence = " ".join(sentence.split())
        if sentence:
            pieces.extend(cut_long(sentence, max_chars))
    if pieces:
        pieces[:1] = first_clause_apart(pieces[0])
    return pieces


def first_clause_apart(sentence: str) -> list[str]:
    """``sentence`` cut after its first comma, when both sides are a few words long."""
    head, comma, tail = sentence.partition(", ")
    if comma and min(len(head.split()), len(tail.split())) >= FIRST_CLAUSE_MIN_WORDS:
        return [head + ",", tail]
    return [sentence]


def cut_long(sentence: str, max_chars: int) -> list[str]:
    """A sentence cut into pieces of at most ``max_chars``: after the last comma (or semicolon,
    colon) that fits, else the last space, else anywhere."""
    pieces = []
    while len(sentence) > max_chars:
        head = sentence[: max_chars + 1]
        cut = max(head.rfind(", "), head.rfind("; "), head.rfind(": "))
        cut = cut + 1 if cut > 0 else head.rfind(" ")
        if cut <= 0:
            cut = max_chars
        pieces.append(sentence[:cut].strip())
        sentence = sentence[cut:].strip()
    if sentence:
        pieces.append(sentence)
    return pieces
