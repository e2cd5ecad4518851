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


def split_sentences(text: str, max_chars: int) -> list[str]:
    """The pieces to speak, in order, none longer than ``max_chars``, none empty."""
    pieces = []
    for sentence in SENTENCE_END.split(text):
        sentence = " ".join(sentence.split())
        if sentence:
            pieces.extend(cut_long(sentence, max_chars))
    return pieces


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
