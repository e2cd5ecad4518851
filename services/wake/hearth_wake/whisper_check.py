"""The Whisper check (`wake.verify: whisper`): a detection leaves the wake service only if Whisper,
reading the audio around it, finds the wake phrase nearly as likely as what it heard.

The first stage (the embedding classifier) is cheap and runs on every frame, but a voice it never
trained on scores low: at its calibrated threshold it wakes for almost none of them. Whisper was
trained on people, so with this check the first stage runs far more sensitively
(``FIRST_STAGE_LOGIT``), and the check turns away what the first stage now lets through. A
detection that also passes the model's own calibrated threshold is one the first stage alone would
have made: the service lets it out at once, unchecked (``EmbeddingStream.sure_of``), unless
`wake.verify_every_detection` asks for every one to be checked.

How it asks: Whisper writes what it heard, with no prompt (a prompt that names the phrase makes
Whisper write it for sound-alikes), and then scores two things against the same audio, as stt
scores commands: the phrase (in a few spellings) and its own transcript. The detection is
confirmed when the phrase is at most ``MARGIN`` nats less likely than what Whisper wrote, and
``FLOOR`` in itself (a long garbled transcript is unlikely too, and would let anything near it
through). Sound-alikes ("Hey, Hester.", "Hey, bestie.") lose by 9 to 20 nats. The numbers were
chosen on the leave-one-family-out benchmark (bench/wake_lofo.py) and checked on speakers and talk
they never saw (docs/wake-word.md).
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
MARGIN = 8.0
"""How much less likely (nats) the phrase may be than Whisper's own transcript, at verify
sensitivity 0.5; sensitivity 0 and 1 make it 4 and 12."""
MARGIN_SPAN = 8.0
FLOOR = -30.0
"""The phrase's own log-probability must be at least this."""
FIRST_STAGE_LOGIT = 0.0
"""The embedding classifier's threshold (at sensitivity 0.5) when this check confirms its
detections, instead of the model's calibrated one (13.2 for the shipped model): measured, it lets
through 93 % of Piper's, 45 % of Festival's and 38 % of Flite's phrases, none of which the shipped
model ever heard (docs/wake-word.md)."""
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


@dataclass(frozen=True)
class Verdict:
    """One check: whether it confirmed, and the scores it decided on (for the benchmark)."""

    confirmed: bool
    heard: str
    phrase_score: float | None
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
        window = np.asarray(audio, dtype="<i2")[-int((BEFORE_S + TAIL_S) * SAMPLE_RATE) :]
        with self._lock:
            encoded = encode(self.model, window.tobytes())
            heard = greedy_transcript(
                self.model, self._tokenizer, encoded, list(self._tokenizer.sot_sequence)
            ).text
            own = _CLOSING.sub("", heard.strip())
            if not own:
                return Verdict(False, heard, None, None)
            forms = spellings(phrase)
            scores = score_sentences(self.model, self._tokenizer, encoded, [*forms, own])
        phrase_score, heard_score = max(scores[: len(forms)]), scores[-1]
        confirmed = phrase_score >= FLOOR and (
            comparable(own) == comparable(phrase) or phrase_score >= heard_score - self.margin
        )
        return Verdict(confirmed, heard, phrase_score, heard_score)
