"""From what an engine heard to the transcript stt publishes: the closed-domain step.

Hearth acts only on sentences its intent service accepts. A grammar engine already answers with
one of them; an open-vocabulary engine (Whisper) writes what it heard, spelled its own way ("Set
a timer for 5 minutes."), and one greedy transcript does not say what the engine is sure of.

When the engine can score sentences against the audio (``FinalResult.score``, Whisper), the
sentences nearest its transcript are scored, and:

1. the transcript itself, normalised, is passed on as heard when it is far likelier than all of
them (``transcript_lead``): the vocabulary is a sample, and the intent service's matcher knows
every phrasing;
2. else the likeliest sentence is chosen when it leads the likeliest sentence that means something
else (the intent service's meanings) and is likely enough in itself (``choose_by_score``);
3. else the answer is "not recognised".

Otherwise (grammar engines; ``rescore_candidates`` 0) the result goes by its spelling:

1. an open-vocabulary result the engine itself is unsure of (its confidence below
``min_confidence``) is dropped: no transcript is better than a guessed one;
2. the text is normalised (case, punctuation, numbers as words, the wake phrase and fillers at its
start) and snapped to the nearest vocabulary sentence when it is near enough and nothing for
another action is as near (`snapping.py`);
3. what does not snap is published normalised: the intent service's matcher knows more phrasings
than the sampled vocabulary and may still match it exactly, and otherwise says "not recognised".

The benchmark (`bench/recognition_accuracy.py`) replays the same class, so its figures are the
service's.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from hearth_stt.engines.base import FinalResult, Vocabulary
from hearth_stt.snapping import DEFAULT_MARGIN, DEFAULT_MAX_DISTANCE, Snapper, normalise

SCORE_OUTCOMES = ("chosen", "as_heard", "too_close", "unlikely", "busy")
"""How scoring ended: a vocabulary sentence chosen; the transcript kept as heard (likelier than
every vocabulary sentence near it); sound-alikes meaning different things too close to tell apart;
the likeliest sentence too unlikely in itself; the engine too busy to score."""


@dataclass(frozen=True)
class ScoredChoice:
    sentence: str | None
    """The chosen sentence; None: not recognised."""
    outcome: str
    """One of SCORE_OUTCOMES."""


def choose_by_score(
    candidates: Sequence[str],
    scores: Sequence[float],
    *,
    min_lead: float,
    min_token_logprob: float,
    action_of: Callable[[str], object] = Snapper.action_of,
    heard: str | None = None,
    min_heard_token_logprob: float | None = None,
) -> ScoredChoice:
    """The candidate the acoustic model finds likeliest, or none (not recognised).

    It is chosen only when it beats the likeliest candidate for another action by ``min_lead``
    (log-probability, nats): two sound-alike commands the model cannot tell apart are not a coin
    toss. And its log-probability per token (its words and the final period) must be at least
    ``min_token_logprob``: when the transcript was far from every sentence, the nearest ones are
    all unlikely and the likeliest of them is no evidence.

    That floor is ``min_heard_token_logprob`` instead when the candidate is the engine's own
    transcript, normalised (``heard``): the decode and the scoring then agree, and a short command
    said far from the microphone ("never mind") spreads the doubt of its first word over few
    tokens. Only then: a garbled transcript ("hello all, it's the fullest now") the scoring finds
    less likely than some short command ("what's the time") is no agreement, and measured on a
    voice family no threshold saw, relaxing the floor there made a question into an action.
    """
    if not candidates or len(scores) < len(candidates):
        return ScoredChoice(None, "busy")
    order = sorted(range(len(candidates)), key=lambda i: -scores[i])
    best = order[0]
    best_action = action_of(candidates[best])
    rival = next((i for i in order[1:] if action_of(candidates[i]) != best_action), None)
    lead = math.inf if rival is None else scores[best] - scores[rival]
    tokens = len(candidates[best].split()) + 1
    if lead < min_lead:
        return ScoredChoice(None, "too_close")
    floor = min_token_logprob
    if min_heard_token_logprob is not None and candidates[best] == heard:
        floor = min(floor, min_heard_token_logprob)
    if scores[best] / tokens < floor:
        return ScoredChoice(None, "unlikely")
    return ScoredChoice(candidates[best], "chosen")


@dataclass(frozen=True)
class ClosedDomainOptions:
    max_distance: float = DEFAULT_MAX_DISTANCE
    """Largest snapping distance accepted (0 = exact sentences only)."""
    margin: float = DEFAULT_MARGIN
    """How much nearer the best sentence must be than the nearest one for another action."""
    min_confidence: float = 0.0
    """Open-vocabulary results (Whisper's) below this confidence (0..1) are dropped as unsure."""
    wake_phrases: tuple[str, ...] = ("hey hestia",)
    """Stripped from the start of a transcript (the pre-roll can carry the wake phrase)."""
    rescore_candidates: int = 16
    """When the engine can score sentences against the audio (Whisper), how many vocabulary
    sentences near its transcript it is asked to choose among; 0 decides by spelling alone."""
    min_score_lead: float = 5.0
    """How much likelier (log-probability) the chosen sentence must be than the likeliest one
    that means something else."""
    min_token_logprob: float = -3.0
    """How likely, per token, the chosen sentence must be at all."""
    min_heard_token_logprob: float = -5.0
    """The same floor for the sentence the engine itself wrote (its transcript, normalised): decode
    and scoring agree, so less is asked of it."""
    transcript_lead: float = math.inf
    """How much likelier the engine's own transcript must be than every vocabulary sentence near
    it to be published as heard, for the intent service to match against its full templates (the
    vocabulary is a sample: "fifty percent" may be in no sentence of it); inf never does."""


@dataclass(frozen=True)
class Understood:
    """The transcript to publish and how it was reached."""

    text: str
    snapped: bool
    """The text is a vocabulary sentence the heard words were snapped onto (or equal to)."""
    distance: float | None
    """Snapping distance to the chosen sentence; None when nothing was compared."""
    unsure: bool = False
    """Dropped because the engine was not confident enough."""
    scored: str = ""
    """How the engine's scoring of the nearest sentences ended (SCORE_OUTCOMES); "" when the
    sentences were not scored."""


class ClosedDomain:
    """Holds the snapper of the vocabulary in use; rebuilt when the vocabulary changes."""

    def __init__(self, options: ClosedDomainOptions) -> None:
        self.options = options
        self._snapper: Snapper | None = None
        self._meanings: dict[str, str] = {}
        self._lock = threading.Lock()

    def set_vocabulary(self, vocabulary: Vocabulary) -> None:
        """Blocking (about 0.1 s for 5000 sentences): call it off the event loop."""
        snapper = Snapper(
            vocabulary.sentences,
            vocabulary.names,
            wake_phrases=self.options.wake_phrases,
            max_distance=self.options.max_distance,
            margin=self.options.margin,
        )
        meanings = dict(zip(vocabulary.sentences, vocabulary.meanings, strict=False))
        with self._lock:
            self._snapper = snapper
            self._meanings = {s: m for s, m in meanings.items() if m}

    def retuned(self, options: ClosedDomainOptions) -> ClosedDomain:
        """The same vocabulary under other thresholds, without building its snapper again (when
        the snapping ones are unchanged): calibration tries hundreds of thresholds."""
        same_snapper = (options.max_distance, options.margin, options.wake_phrases) == (
            self.options.max_distance,
            self.options.margin,
            self.options.wake_phrases,
        )
        if not same_snapper:
            raise ValueError("retuned keeps the snapper: max_distance, margin and wake_phrases")
        other = ClosedDomain(options)
        with self._lock:
            other._snapper, other._meanings = self._snapper, self._meanings
        return other

    def understand(self, result: FinalResult) -> Understood:
        """The transcript for one final result (blocking: a few milliseconds, or about 0.15 s
        when the engine scores sentences)."""
        if not result.text.strip():
            return Understood("", False, None)
        with self._lock:
            snapper, meanings = self._snapper, self._meanings
        if (
            result.open_vocabulary
            and result.score is not None
            and snapper is not None
            and self.options.rescore_candidates > 0
        ):
            return self._rescored(result, snapper, meanings)
        confidence = result.confidence
        unsure = confidence is not None and confidence < self.options.min_confidence
        if result.open_vocabulary and unsure:
            return Understood("", False, None, unsure=True)
        if snapper is None:
            return Understood(normalise(result.text, self.options.wake_phrases), False, None)
        snapped = snapper.snap(result.text)
        distance = snapped.distance if math.isfinite(snapped.distance) else None
        return Understood(snapped.text, snapped.snapped, distance)

    def _rescored(
        self, result: FinalResult, snapper: Snapper, meanings: dict[str, str]
    ) -> Understood:
        """The engine chooses among the sentences nearest its transcript (``choose_by_score``);
        not recognised when it cannot tell them apart, or is too busy to say."""
        assert result.score is not None
        heard = normalise(result.text, self.options.wake_phrases)
        candidates = snapper.nearest(heard, self.options.rescore_candidates)
        if not candidates:  # nothing left once the wake phrase and fillers are stripped
            return Understood("", False, None)
        yardstick = math.isfinite(self.options.transcript_lead) and heard not in candidates
        scores = result.score([*candidates, heard] if yardstick else candidates) or []
        if yardstick and len(scores) == len(candidates) + 1:
            own = scores.pop()
            if own - max(scores) >= self.options.transcript_lead:
                return Understood(heard, False, None, scored="as_heard")

        def meaning(sentence: str) -> object:
            return meanings.get(sentence) or Snapper.action_of(sentence)

        chosen = choose_by_score(
            candidates,
            scores,
            min_lead=self.options.min_score_lead,
            min_token_logprob=self.options.min_token_logprob,
            action_of=meaning,
            heard=heard,
            min_heard_token_logprob=self.options.min_heard_token_logprob,
        )
        if chosen.sentence is None:
            return Understood("", False, None, scored=chosen.outcome)
        return Understood(chosen.sentence, True, None, scored=chosen.outcome)
