"""The Whisper check (`wake.verify: whisper`): a detection leaves the wake service only if Whisper,
reading the audio around it, finds the wake phrase nearly as likely as what it heard.

The first stage (the embedding classifier) is cheap and runs on every frame, but a voice it never
trained on scores low: at its calibrated threshold it wakes for almost none of them. Whisper was
trained on people, so with this check the first stage runs far more sensitively (at the threshold
the model records for it, ``WakeClassifier.checked_logit``), and the check turns away what the
first stage now lets through. A detection that also passes the model's own calibrated threshold is
one the first stage alone would have made: the service lets it out at once, unchecked
(``EmbeddingStream.sure_of``), unless `wake.verify_every_detection` asks for every one to be
checked.

How it asks: Whisper writes what it heard, with no prompt (a prompt that names the phrase makes
Whisper write it for sound-alikes). Then every way of putting the phrase in place of a few of its
words (up to ``SPAN_WORDS``; the phrase alone when Whisper wrote no more than that) is scored
against the same audio, as stt scores commands, and so is Whisper's own transcript. The detection
is confirmed when the best of those is at most ``MARGIN`` nats less likely than what Whisper
wrote. Only the words the phrase replaces differ between the two, so the comparison is local: a
long sentence no longer loses against the bare phrase merely because it has more words to pay for
(the first form of this check compared the phrase alone with the whole transcript, and let
through "I'm asking what I saw in the memories."). Sound-alikes ("Hey, Hester.", "Hey, bestie.")
still lose by 7 to 20 nats. The numbers were chosen on the leave-one-family-out benchmark
(bench/wake_lofo.py) and checked on speakers and talk they never saw (docs/wake-word.md).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from hearth.pcm import SAMPLE_RATE
from hearth.whisper import (
    comparable,
    encode,
    greedy_transcript,
    load_model,
    score_sentences,
    tokenizer_for,
)

BEFORE_S = 1.6
"""Audio read before the first stage fired: the phrase (0.7-1.2 s) with room before it; a longer
window holds more of the talk around it, which Whisper then writes too."""
TAIL_S = 0.5
"""Audio waited for after the first stage fired: it can fire before the phrase's last syllable."""
WINDOW_SAMPLES = int((BEFORE_S + TAIL_S) * SAMPLE_RATE)
"""What the check reads: the last 2.1 s of the audio it is given."""
MARGIN = 6.0
"""How much less likely (nats) Whisper's transcript with the phrase in it may be than the
transcript itself, at verify sensitivity 0.5; sensitivity 0 and 1 make it 2 and 10."""
MARGIN_SPAN = 8.0
SPAN_WORDS = 4
"""The most words of Whisper's transcript the phrase may stand in for: "hey hestia" has been
written as up to four ("Hey, I asked you")."""
MAX_WORDS = 16
"""A transcript longer than this, of 2.1 s of audio, is a hallucination (Whisper looping on "a
little bit of a little bit of…"): not confirmed, and not scored in a hundred forms."""
_CLOSING = re.compile(r"[.!?]+$")


def spellings(phrase: str) -> tuple[str, ...]:
    """How Whisper may write the phrase: "Hey Hestia", "Hey, Hestia", "hey hestia"."""
    words = phrase.split()
    titled = [word.capitalize() for word in words]
    forms = [" ".join(titled)]
    if len(words) > 1:
        forms.append(f"{titled[0]}, {' '.join(titled[1:])}")
    forms.append(" ".join(words).lower())
    return tuple(dict.fromkeys(forms))


def with_phrase(phrase: str, heard: str) -> tuple[str, ...]:
    """Whisper's transcript with the phrase in place of each run of up to ``SPAN_WORDS`` of its
    words (or inserted between two), spelt as Whisper writes it there: "Hey Hestia, turn on the"
    for "I asked you to turn on the"."""
    words = heard.split()
    opening = spellings(phrase)
    inside = opening[0][:1].lower() + opening[0][1:]  # "hey Hestia"
    sentences: list[str] = []
    for start in range(len(words) + 1):
        for end in range(start, min(len(words), start + SPAN_WORDS) + 1):
            if start == 0 and end == len(words):
                sentences += opening  # the phrase alone
                continue
            after = " ".join(words[end:])
            for form in opening[:2] if start == 0 else (inside,):
                sentence = " ".join(words[:start] + [form + ("," if after else "")])
                sentences.append(f"{sentence} {after}".strip())
    return tuple(dict.fromkeys(sentences))


def margin_for(sensitivity: float) -> float:
    return MARGIN + MARGIN_SPAN * (sensitivity - 0.5)


@dataclass(frozen=True)
class WhisperCheckOptions:
    model_dir: Path  # a faster-whisper model directory (hearth.models.resolve_whisper_model)
    language: str = "en"
    sensitivity: float = 0.5  # higher confirms more easily (a wider margin)
    # Two, as stt decodes: a check is rare, and while it runs the person is still saying the
    # command, so stt is idle; the sooner it ends, the less it holds the command's intent back.
    threads: int = 2
    # Seconds of window the encoder reads. 30, as Whisper was trained; bench/wake_lofo.py's
    # --check-window-s measures shorter ones (less CPU, fewer phrases heard: docs/wake-word.md).
    encoder_window_s: float = 30.0


@dataclass(frozen=True)
class Verdict:
    """One check: whether it confirmed, and the scores it decided on (for the benchmark)."""

    confirmed: bool
    heard: str
    phrase_score: float | None
    """The likeliest of Whisper's transcript with the phrase put in."""
    heard_score: float | None


class WhisperVerifier:
    """Confirms detections with Whisper; one check at a time (it uses the cores it was given)."""

    name = "whisper"
    tail_s = TAIL_S

    def __init__(self, model: Any, options: WhisperCheckOptions) -> None:
        self.model = model
        self.options = options
        self.margin = margin_for(options.sensitivity)
        self._tokenizer = tokenizer_for(model, options.language)
        self._lock = threading.Lock()

    @classmethod
    def load(cls, options: WhisperCheckOptions, phrases: Iterable[str]) -> WhisperVerifier:
        """Load the model (blocking). Whisper needs no per-phrase setup: any phrase is scored."""
        del phrases
        model = load_model(
            options.model_dir, options.language, compute_type="int8", threads=options.threads
        )
        return cls(model, options)

    def confirm(self, phrase: str, audio: np.ndarray) -> bool:
        """True if the phrase is heard at the end of ``audio`` (blocking, about a second)."""
        return self.judge(phrase, audio).confirmed

    def judge(self, phrase: str, audio: np.ndarray) -> Verdict:
        """The check, with the scores it decided on."""
        window = np.asarray(audio, dtype="<i2")[-WINDOW_SAMPLES:]
        with self._lock:
            encoded = encode(self.model, window.tobytes(), self.options.encoder_window_s)
            heard = greedy_transcript(
                self.model, self._tokenizer, encoded, list(self._tokenizer.sot_sequence)
            ).text
            own = _CLOSING.sub("", heard.strip())
            if not own or len(own.split()) > MAX_WORDS:
                return Verdict(False, heard, None, None)
            if comparable(own) == comparable(phrase):
                return Verdict(True, heard, None, None)
            candidates = with_phrase(phrase, own)
            scores = score_sentences(self.model, self._tokenizer, encoded, [*candidates, own])
        phrase_score, heard_score = max(scores[:-1]), scores[-1]
        confirmed = phrase_score >= heard_score - self.margin
        return Verdict(confirmed, heard, phrase_score, heard_score)
