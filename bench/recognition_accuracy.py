"""How well spoken commands are understood, per speech engine and mode, on voices from several
independent families, with thresholds calibrated on some families and measured on one they never saw.

Run: `python bench/recognition_accuracy.py [--per-command N] [--held-out FAMILY] [--unseen FAMILY]
[--decoded FILE] [--json FILE]`

The development set is made at run time by `hearth_voices` (docs/voices.md): every command of the
demo home (every built-in intent, every device and area, sound-alike pairs such as on/off and
kitchen/living room) and sentences that are no command at all, each spoken by pseudo-speakers of
espeak-ng, Festival, Piper and Flite, through the standard conditions (clean, noisy, reverberant, fast, slow,
far). Each utterance goes through the same code the stack runs: an stt engine fed in 100 ms chunks
(a fresh utterance each time), the closed-domain snapping of `hearth_stt.snapping`, and the intent
service's matcher. Each engine decodes every utterance once; the modes are then replayed from those
results:

- `grammar`: pocketsphinx constrained to the vocabulary (the fast path);
- `whisper`: Whisper base, as stt runs it by default: it chooses among the vocabulary sentences
  nearest its transcript by scoring each against the audio (`stt.rescore_candidates`);
- `whisper-spelling`: Whisper base, its transcript snapped to the vocabulary by spelling alone and
  rejected below a confidence (`stt.rescore_candidates: 0`);
- `hybrid`: the grammar result when its confidence is at least a threshold, else `whisper`'s.

Every mode replays stt's own closed-domain class (`hearth_stt.closed_domain.ClosedDomain`) with the
vocabulary and meanings the intent service publishes, so its figures are the service's. Thresholds
(snapping distance and Whisper's confidence; or the score lead and per-token floor; the grammar
confidence of the fast path) are chosen on the calibration families only, for zero wrong actions
and then the most right ones; the held-out family is reported apart. The unseen family (Flite, by
default) is in no calibration, neither the bench's nor the one stt's defaults come from: mode
`whisper-defaults` is Whisper under stt's default settings, and its figure on the unseen family is what
a household whose voices no one calibrated on can expect. A wrong action is a command understood as a different intent, or
acting on other devices or values than were said, or a non-command understood as a command.

Figures only: no transcript text is printed or written.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import resource
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from hearth import pcm  # noqa: E402
from hearth.models import resolve_whisper_model  # noqa: E402
from hearth_intent.demo_home import DEMO_AREAS, DEMO_DEVICES  # noqa: E402
from hearth_intent.matcher import IntentMatch, IntentMatcher  # noqa: E402
from hearth_intent.plugin_loading import plugin_sentences  # noqa: E402
from hearth_stt.closed_domain import ClosedDomain, ClosedDomainOptions  # noqa: E402
from hearth_stt.engines.base import (  # noqa: E402
    FinalResult,
    SentenceScorer,
    SttEngine,
    Vocabulary,
)
from hearth_stt.engines.pocketsphinx_engine import PocketsphinxOptions  # noqa: E402
from hearth_stt.engines.registry import STT_ENGINES  # noqa: E402
from hearth_stt.engines.whisper_engine import WhisperOptions  # noqa: E402
from hearth_stt.settings import SttSettings  # noqa: E402
from hearth_stt.snapping import normalise  # noqa: E402
from hearth_voices import STANDARD_CONDITIONS, apply, sample_voices, speak  # noqa: E402

FAMILIES = ("espeak", "festival", "piper", "flite")
CHUNK_BYTES = 3200  # 100 ms, what the audio service sends
TRAILING_SILENCE_S = 1.0
SITE_AREA = "kitchen"
"""The room of the site that heard the commands (so "turn on the lights" has a meaning)."""

COMMANDS: tuple[str, ...] = (
    "turn on the kitchen lights",
    "turn off the kitchen lights",
    "turn on the kitchen light",
    "turn off the bedroom light",
    "turn on the bedroom light",
    "turn on the living room lamp",
    "turn off the living room lamp",
    "turn on the office fan",
    "turn off the office fan",
    "turn on the coffee maker",
    "turn off the coffee maker",
    "turn on the lights in the living room",
    "turn off the lights in the bedroom",
    "set the bedroom lights to fifty percent",
    "set the kitchen lights to twenty percent",
    "what time is it",
    "what is the date today",
    "what is the date",
    "set a timer for five minutes",
    "set a timer for nine minutes",
    "set a timer for ten seconds",
    "cancel the timer",
    "what is the weather like",
    "never mind",
    "stop listening",
    "delete what i just said",
    "delete everything i said today",
    "what did you hear",
)
NOT_COMMANDS: tuple[str, ...] = (
    "sing me a song about the ocean",
    "what is the capital of france",
    "the children are still asleep upstairs",
    "call my sister on her mobile",
    "how tall is the tallest mountain",
    "remind me to water the plants",
    "i think the kettle has boiled",
    "order more coffee beans online",
)


@dataclass(frozen=True)
class Utterance:
    family: str
    voice: str
    condition: str
    sentence: str
    in_domain: bool


@dataclass
class Heard:
    """One engine's result for one utterance."""

    text: str
    confidence: float | None
    finish_s: float
    cpu_s: float
    scores: tuple[tuple[str, float], ...] = ()
    """Whisper only: its log-probability of each sentence the closed-domain step asked it to
    score (the vocabulary sentences nearest its transcript)."""
    rescore_s: float = 0.0
    """Whisper only: the closed-domain step's time, scoring included."""


@dataclass(frozen=True)
class Action:
    """What a command would do: comparable across phrasings ("the kitchen lights" or "the
    kitchen light" both switch the same device)."""

    intent: str
    targets: frozenset[str]
    values: tuple[tuple[str, str], ...]


def action_of(match: IntentMatch | None) -> Action | None:
    if match is None:
        return None
    slots = dict(match.slots)
    name, area, domain = slots.pop("name", None), slots.pop("area", None), slots.pop("domain", None)
    if name is not None:
        targets = frozenset({name})
    elif area is not None or domain is not None:
        targets = frozenset(
            d.name
            for d in DEMO_DEVICES
            if (area is None or d.area == area) and (domain is None or d.domain == domain)
        )
    else:
        targets = frozenset()
    return Action(match.intent, targets, tuple(sorted(slots.items())))


def dev_set(
    per_command: int, seed: int, families: Sequence[str] = FAMILIES
) -> list[tuple[Utterance, np.ndarray]]:
    """Every sentence spoken by `per_command` pseudo-speakers of each family, each through one of
    the standard conditions in turn (so every condition is heard by every family). A family's
    utterances do not depend on which other families are made with it."""
    made: list[tuple[Utterance, np.ndarray]] = []
    sentences = [(s, True) for s in COMMANDS] + [(s, False) for s in NOT_COMMANDS]
    for family in families:
        conditions = itertools.cycle(STANDARD_CONDITIONS)
        voices = sample_voices(family, count=per_command, seed=seed)
        for index, (sentence, in_domain) in enumerate(sentences):
            for number, voice in enumerate(voices):
                condition = next(conditions)
                clean = speak(sentence, voice)
                heard = apply(clean, condition, seed=seed + index * 31 + number)
                made.append(
                    (Utterance(family, voice.name, condition.name, sentence, in_domain), heard)
                )
    return made


RESCORE_CANDIDATES = SttSettings.model_fields["rescore_candidates"].default
"""As many sentences as stt asks Whisper to score by default."""


def decode(engine: SttEngine, samples: np.ndarray, recorder: ClosedDomain) -> Heard:
    """One fresh utterance, fed as the audio service feeds it, then finished; for Whisper, also
    its scores of the sentences stt's closed-domain step asks it about (``recorder``)."""
    audio = samples.astype("<i2").tobytes() + bytes(int(TRAILING_SILENCE_S * pcm.BYTES_PER_SECOND))
    cpu = time.process_time()
    utterance = engine.open_utterance()
    for start in range(0, len(audio), CHUNK_BYTES):
        if utterance.accept(audio[start : start + CHUNK_BYTES]).end_of_speech:
            break
    started = time.perf_counter()
    result: FinalResult = utterance.finish()
    finish_s = time.perf_counter() - started
    heard = Heard(result.text, result.confidence, finish_s, time.process_time() - cpu)
    score = result.score
    if score is None:
        return heard
    recorded: dict[str, float] = {}

    def recording(sentences: Sequence[str]) -> list[float] | None:
        scores = score(sentences)
        recorded.update(zip(sentences, scores or (), strict=False))
        return scores

    started, cpu = time.perf_counter(), time.process_time()
    recorder.understand(replace(result, score=recording))
    return replace(
        heard,
        scores=tuple(recorded.items()),
        rescore_s=time.perf_counter() - started,
        cpu_s=heard.cpu_s + time.process_time() - cpu,
    )


def replayed(scores: tuple[tuple[str, float], ...]) -> SentenceScorer | None:
    """The recorded scores, answered again to the same questions."""
    if not scores:
        return None
    known = dict(scores)

    def score(sentences: Sequence[str]) -> list[float] | None:
        if not all(s in known for s in sentences):
            raise AssertionError("the closed-domain step asked about sentences never scored")
        return [known[s] for s in sentences]

    return score


def word_errors(spoken: str, heard: str) -> tuple[int, int]:
    """(edits, words spoken): word-level Levenshtein distance."""
    a, b = spoken.split(), heard.split()
    row = list(range(len(b) + 1))
    for i, word in enumerate(a, 1):
        previous, row[0] = row[0], i
        for j, other in enumerate(b, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (word != other))
    return row[-1], len(a)


@dataclass
class Judged:
    right: int = 0
    wrong: int = 0
    not_recognized: int = 0
    ood_total: int = 0
    ood_acted: int = 0
    in_domain: int = 0
    word_edits: int = 0
    words: int = 0
    fast_path: int = 0
    finish_s: list[float] = field(default_factory=list)
    cpu_s: list[float] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        finish = sorted(self.finish_s)
        return {
            "in_domain": self.in_domain,
            "right": self.right,
            "right_pct": round(100 * self.right / max(1, self.in_domain), 1),
            "wrong_actions": self.wrong + self.ood_acted,
            "wrong_in_domain": self.wrong,
            "not_recognized": self.not_recognized,
            "not_commands": self.ood_total,
            "not_commands_acted_on": self.ood_acted,
            "word_error_rate_pct": round(100 * self.word_edits / max(1, self.words), 1),
            "fast_path_pct": round(100 * self.fast_path / max(1, len(self.finish_s)), 1),
            "finish_p50_ms": round(1000 * statistics.median(finish), 1) if finish else None,
            "finish_p95_ms": round(1000 * finish[int(0.95 * (len(finish) - 1))], 1)
            if finish
            else None,
            "cpu_per_utterance_s": round(statistics.mean(self.cpu_s), 3) if self.cpu_s else None,
        }


@dataclass(frozen=True)
class Pick:
    """What a mode's engine gave for one utterance."""

    text: str
    confidence: float | None
    open_vocabulary: bool
    finish_s: float
    cpu_s: float
    fast: bool
    """Took the grammar engine's fast path."""
    scores: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class Thresholds:
    """What calibration chooses for a mode."""

    fast: float = 1.0
    """Hybrid: the grammar result is used when its confidence is above this."""
    distance: float = 0.0
    """Largest snapping distance (spelling)."""
    confidence: float = 0.0
    """Whisper's confidence gate (spelling)."""
    lead: float | None = None
    """Score lead over the likeliest rival sentence; None: spelling alone decides."""
    floor: float = 0.0
    """Per-token log-probability floor of the chosen sentence (scoring)."""
    own: float = math.inf
    """How much likelier Whisper's transcript must be than every near sentence to be kept as
    heard (scoring); inf never."""
    heard_floor: float | None = None
    """The floor for the sentence Whisper wrote itself (scoring); None: the same as ``floor``."""

    def options(self) -> ClosedDomainOptions:
        """stt's closed-domain settings these thresholds stand for."""
        scoring = self.lead is not None
        return ClosedDomainOptions(
            max_distance=self.distance,
            min_confidence=self.confidence,
            rescore_candidates=RESCORE_CANDIDATES if scoring else 0,
            min_score_lead=self.lead or 0.0,
            min_token_logprob=self.floor,
            min_heard_token_logprob=self.floor if self.heard_floor is None else self.heard_floor,
            transcript_lead=self.own,
        )


Choice = Callable[[Utterance], Pick]


def judge(
    utterances: Sequence[Utterance],
    choose: Choice,
    thresholds: Thresholds,
    vocabulary: Vocabulary,
    matcher: IntentMatcher,
) -> Judged:
    judged = Judged()
    for utterance in utterances:
        pick = choose(utterance)
        judged.finish_s.append(pick.finish_s)
        judged.cpu_s.append(pick.cpu_s)
        judged.fast_path += int(pick.fast)
        understood = understand(pick, thresholds.options(), vocabulary, matcher)
        edits, words = word_errors(utterance.sentence, normalise(pick.text))
        expected = expected_action(utterance.sentence, matcher)
        if utterance.in_domain:
            judged.in_domain += 1
            judged.word_edits += edits
            judged.words += words
            if understood is None:
                judged.not_recognized += 1
            elif understood == expected:
                judged.right += 1
            else:
                judged.wrong += 1
        else:
            judged.ood_total += 1
            judged.ood_acted += int(understood is not None)
    return judged


_EXPECTED: dict[str, Action | None] = {}


def expected_action(sentence: str, matcher: IntentMatcher) -> Action | None:
    if sentence not in _EXPECTED:
        _EXPECTED[sentence] = action_of(matcher.recognize(sentence, area=SITE_AREA))
    return _EXPECTED[sentence]


_DOMAINS: dict[ClosedDomainOptions, ClosedDomain] = {}
_UNDERSTOOD: dict[tuple[Pick, ClosedDomainOptions], Action | None] = {}


def closed_domain(options: ClosedDomainOptions, vocabulary: Vocabulary) -> ClosedDomain:
    """stt's closed-domain step under these options (one vocabulary per run)."""
    domain = _DOMAINS.get(options)
    if domain is None:
        snapping = replace(ClosedDomainOptions(), max_distance=options.max_distance)
        built = _DOMAINS.get(snapping)
        if built is None:
            built = _DOMAINS[snapping] = ClosedDomain(snapping)
            built.set_vocabulary(vocabulary)
        domain = _DOMAINS[options] = built.retuned(options)
    return domain


def understand(
    pick: Pick, options: ClosedDomainOptions, vocabulary: Vocabulary, matcher: IntentMatcher
) -> Action | None:
    """What the stack does with a final result: stt's closed-domain step (the service's own
    class), then the intent service's matcher. Memoised, as calibration replays every result
    under many thresholds."""
    key = (replace(pick, finish_s=0.0, cpu_s=0.0, fast=False), options)
    if key not in _UNDERSTOOD:
        result = FinalResult(
            pick.text,
            pick.confidence,
            open_vocabulary=pick.open_vocabulary,
            score=replayed(pick.scores),
        )
        understood = closed_domain(options, vocabulary).understand(result)
        _UNDERSTOOD[key] = (
            action_of(matcher.recognize_spoken(understood.text, area=SITE_AREA))
            if understood.text
            else None
        )
    return _UNDERSTOOD[key]


def load_engines(vocabulary: Vocabulary, threads: int) -> dict[str, SttEngine]:
    grammar = STT_ENGINES.get("pocketsphinx").load(
        PocketsphinxOptions(language="en", mode="grammar")
    )
    grammar.set_vocabulary(vocabulary)
    model = resolve_whisper_model("whisper-base", None, Path.home() / ".local/share/hearth")
    whisper = STT_ENGINES.get("whisper").load(
        WhisperOptions(language="en", mode="open", model_dir=model, threads=threads)
    )
    whisper.set_vocabulary(vocabulary)
    return {"grammar": grammar, "whisper": whisper}


def save_decoded(path: Path, heard: dict[str, dict[Utterance, Heard]]) -> None:
    """Decodes as JSON lines of figures and words (a local cache for re-judging, never published)."""
    rows = [
        {"engine": name, **asdict(utterance), **asdict(result)}
        for name, results in heard.items()
        for utterance, result in results.items()
    ]
    path.write_text(json.dumps(rows))


def load_decoded(path: Path) -> tuple[list[Utterance], dict[str, dict[Utterance, Heard]]]:
    heard: dict[str, dict[Utterance, Heard]] = {}
    utterances: dict[Utterance, None] = {}
    for row in json.loads(path.read_text()):
        utterance = Utterance(
            row["family"], row["voice"], row["condition"], row["sentence"], row["in_domain"]
        )
        utterances[utterance] = None
        heard.setdefault(row["engine"], {})[utterance] = Heard(
            row["text"],
            row["confidence"],
            row["finish_s"],
            row["cpu_s"],
            tuple((str(sentence), float(score)) for sentence, score in row.get("scores", ())),
            row.get("rescore_s", 0.0),
        )
    return list(utterances), heard


def calibrate(
    utterances: Sequence[Utterance],
    mode: Callable[[Thresholds], Choice],
    grid: Sequence[Thresholds],
    vocabulary: Vocabulary,
    matcher: IntentMatcher,
) -> Thresholds:
    """The thresholds with no wrong action and the most right answers on the calibration
    utterances (ties: the first in the grid, which lists the strictest first); the grid's first
    when none is without a wrong action."""
    best: tuple[int, int] | None = None
    for number, thresholds in enumerate(grid):
        judged = judge(utterances, mode(thresholds), thresholds, vocabulary, matcher)
        if judged.wrong + judged.ood_acted:
            continue
        if best is None or judged.right > best[0]:
            best = (judged.right, number)
    return grid[0 if best is None else best[1]]


# Fixed before any result was seen; a finer grid (confidence in steps of 0.025) was tried
# afterwards and fitted the calibration families more closely at the cost of the held-out
# family (docs/benchmarks.md), so it is not used. Each list runs from strictest to most lenient.
FAST = (1.0, 0.99, 0.95, 0.9, 0.8, 0.7, 0.5)
DISTANCES = (0.0, 0.05, 0.1, 0.15, 0.2, 0.25)
CONFIDENCES = (0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.0)
LEADS = (8.0, 6.0, 5.0, 4.0, 3.0, 2.0, 1.0, 0.0)
"""Score leads, nats."""
FLOORS = (-0.5, -0.75, -1.0, -1.5, -2.0, -3.0)
"""Per-token log-probabilities."""
OWN_LEADS = (math.inf, 8.0, 5.0, 3.0, 2.0, 1.0)
"""How much likelier the transcript must be than every near sentence to be kept as heard."""
HEARD_FLOORS = (-3.0, -3.5, -4.0, -4.5, -5.0, -5.5, -6.0, -7.0, -8.0)
"""Per-token floors for the sentence Whisper wrote itself. Unlike the grids above, chosen after the
figures of the rest were seen (2026-11-30)."""
SPELLING_GRID = tuple(
    Thresholds(distance=d, confidence=c) for d, c in itertools.product(DISTANCES, CONFIDENCES)
)
DEFAULTS = Thresholds(
    lead=SttSettings.model_fields["min_score_lead"].default,
    floor=SttSettings.model_fields["min_token_logprob"].default,
    own=SttSettings.model_fields["transcript_lead"].default,
    heard_floor=SttSettings.model_fields["min_heard_token_logprob"].default,
)
"""stt's default settings of the scoring (calibrated on espeak-ng, Festival and Piper)."""
SCORING_GRID = tuple(
    Thresholds(lead=lead, floor=f, own=own)
    for own, lead, f in itertools.product(OWN_LEADS, LEADS, FLOORS)
)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--per-command", type=int, default=2, help="speakers per sentence and family"
    )
    parser.add_argument("--held-out", default="festival", choices=FAMILIES)
    parser.add_argument(
        "--unseen",
        default="flite",
        choices=FAMILIES,
        help="a family in no calibration, reported under the calibrated and the default thresholds",
    )
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--threads", type=int, default=2, help="Whisper's CPU threads")
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    parser.add_argument(
        "--decoded",
        type=Path,
        help="keep every decode in this file, and reuse it when it is there (re-judging is cheap)",
    )
    args = parser.parse_args(argv)

    started = time.monotonic()
    devices = list(DEMO_DEVICES)
    matcher = IntentMatcher(
        "en", intents=None, areas=DEMO_AREAS, devices=devices, plugins=plugin_sentences("en")
    )
    spoken = matcher.spoken_vocabulary()
    names = tuple(sorted({d.name for d in devices} | set(DEMO_AREAS)))
    vocabulary = Vocabulary(
        language="en",
        sentences=spoken.sentences,
        words=spoken.words,
        names=names,
        meanings=spoken.meanings or (),
    )
    missing = [s for s in COMMANDS if matcher.recognize(s, area=SITE_AREA) is None]
    if missing:
        parser.error(f"dev-set commands the matcher does not understand: {missing}")
    if args.held_out == args.unseen:
        parser.error("the held-out and the unseen family must differ")
    utterances: list[Utterance] = []
    heard: dict[str, dict[Utterance, Heard]] = {"grammar": {}, "whisper": {}}
    if args.decoded and args.decoded.is_file():
        utterances, heard = load_decoded(args.decoded)
        print(f"{len(utterances)} decoded utterances from {args.decoded}")
    missing = [f for f in FAMILIES if not any(u.family == f for u in utterances)]
    if missing:
        print(
            f"vocabulary: {len(vocabulary.sentences)} sentences; making the development set of "
            f"{', '.join(missing)} ...",
            flush=True,
        )
        made = dev_set(args.per_command, args.seed, missing)
        utterances += [u for u, _ in made]
        print(f"{len(made)} utterances in {time.monotonic() - started:.0f} s", flush=True)
        engines = load_engines(vocabulary, args.threads)
        recorder = closed_domain(Thresholds(lead=0.0, own=0.0).options(), vocabulary)
        for name, engine in engines.items():
            begun = time.monotonic()
            for utterance, samples in made:
                heard.setdefault(name, {})[utterance] = decode(engine, samples, recorder)
            print(f"{name}: decoded in {time.monotonic() - begun:.0f} s", flush=True)
        if args.decoded:
            save_decoded(args.decoded, heard)

    def grammar(u: Utterance) -> Pick:
        h = heard["grammar"][u]
        return Pick(h.text, h.confidence, False, h.finish_s, h.cpu_s, True)

    def whisper(u: Utterance) -> Pick:
        h = heard["whisper"][u]
        return Pick(h.text, h.confidence, True, h.finish_s + h.rescore_s, h.cpu_s, False, h.scores)

    def whisper_spelling(u: Utterance) -> Pick:
        return replace(whisper(u), scores=(), finish_s=heard["whisper"][u].finish_s)

    def hybrid(thresholds: Thresholds) -> Choice:
        def choose(u: Utterance) -> Pick:
            g, w = grammar(u), whisper(u)
            if g.text and (g.confidence or 0.0) > thresholds.fast:
                return g
            return replace(w, finish_s=g.finish_s + w.finish_s, cpu_s=g.cpu_s + w.cpu_s)

        return choose

    modes: dict[str, Callable[[Thresholds], Choice]] = {
        "grammar": lambda _: grammar,
        "whisper": lambda _: whisper,
        "whisper-spelling": lambda _: whisper_spelling,
        "hybrid": hybrid,
    }
    calibration = [u for u in utterances if u.family not in (args.held_out, args.unseen)]
    held_out = [u for u in utterances if u.family == args.held_out]
    unseen = [u for u in utterances if u.family == args.unseen]
    chosen = {
        "grammar": Thresholds(),
        "whisper": calibrate(calibration, modes["whisper"], SCORING_GRID, vocabulary, matcher),
        "whisper-spelling": calibrate(
            calibration, modes["whisper-spelling"], SPELLING_GRID, vocabulary, matcher
        ),
    }
    # The floor for sentences Whisper itself wrote, calibrated after the rest (only it is new).
    scoring = chosen["whisper"]
    heard_grid = [replace(scoring, heard_floor=f) for f in HEARD_FLOORS if f <= scoring.floor]
    chosen["whisper"] = calibrate(
        calibration, modes["whisper"], [scoring, *heard_grid], vocabulary, matcher
    )
    # The fast path in front of Whisper as calibrated alone: only the grammar threshold is new.
    hybrid_grid = [replace(chosen["whisper"], fast=fast) for fast in FAST]
    chosen["hybrid"] = calibrate(calibration, hybrid, hybrid_grid, vocabulary, matcher)
    modes["whisper-defaults"] = modes["whisper"]
    chosen["whisper-defaults"] = DEFAULTS
    report: dict[str, Any] = {
        "when": time.strftime("%Y-%m-%d %H:%M"),
        "utterances": len(utterances),
        "held_out_family": args.held_out,
        "unseen_family": args.unseen,
        "per_command": args.per_command,
        "seed": args.seed,
        "thresholds": {mode: asdict(t) for mode, t in chosen.items()},
        "modes": {},
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    for mode, make in modes.items():
        choose = make(chosen[mode])
        groups = {
            "calibration": calibration,
            "held_out": held_out,
            "unseen": unseen,
            **{family: [u for u in utterances if u.family == family] for family in FAMILIES},
        }
        report["modes"][mode] = {
            label: judge(group, choose, chosen[mode], vocabulary, matcher).summary()
            for label, group in groups.items()
        }
    print_report(report)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2))
    print(f"done in {time.monotonic() - started:.0f} s")
    return 0


def print_report(report: dict[str, Any]) -> None:
    print(
        f"\n== recognition: {report['utterances']} utterances, held-out family "
        f"{report['held_out_family']} =="
    )
    header = (
        f"{'mode':<15} {'set':<12} {'right':>12} {'wrong':>6} {'not rec.':>8} {'OOD acted':>9} "
        f"{'WER':>6} {'fast':>6} {'p50 ms':>7} {'p95 ms':>7} {'cpu s':>6}"
    )
    print(header)
    for mode, results in report["modes"].items():
        for label in ("calibration", "held_out", "unseen", *FAMILIES):
            r = results[label]
            print(
                f"{mode:<15} {label:<12} {r['right']:>4}/{r['in_domain']:<3} {r['right_pct']:>4}% "
                f"{r['wrong_in_domain']:>6} {r['not_recognized']:>8} "
                f"{r['not_commands_acted_on']:>4}/{r['not_commands']:<4} "
                f"{r['word_error_rate_pct']:>5}% {r['fast_path_pct']:>5}% "
                f"{r['finish_p50_ms']!s:>7} {r['finish_p95_ms']!s:>7} "
                f"{r['cpu_per_utterance_s']!s:>6}"
            )
    print(
        f"thresholds (calibrated without {report['held_out_family']} and "
        f"{report['unseen_family']}; whisper-defaults: stt's): {report['thresholds']}"
    )
    print(f"max RSS of this process: {report['max_rss_mb']} MB")


if __name__ == "__main__":
    sys.exit(main())
