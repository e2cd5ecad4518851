"""PocketSphinx with its shipped English model, on espeak-ng speech made at test time."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import pytest

from hearth.models import ModelNotFoundError
from hearth_stt.engines import Vocabulary
from hearth_stt.engines.pocketsphinx_engine import PocketsphinxEngine, PocketsphinxOptions
from hearth_stt.engines.registry import STT_ENGINES
from tests.stt.speech import quiet, stream, timed_finish

COMMANDS = (
    "turn on the kitchen light",
    "turn off the kitchen light",
    "turn on the living room lamp",
    "turn off the living room lamp",
    "turn on the bedroom light",
    "turn off the bedroom light",
    "turn on the bathroom fan",
    "turn off the bathroom fan",
    "open the garage door",
    "close the garage door",
    "lock the front door",
    "unlock the front door",
    "what time is it",
    "what is the date",
    "what day is it today",
    "set a timer for five minutes",
    "set a timer for ten minutes",
    "set a timer for one hour",
    "cancel the timer",
    "how much time is left",
    "what is the weather like",
    "what is the temperature outside",
    "set the thermostat to twenty degrees",
    "play some music",
    "stop the music",
    "turn up the volume",
    "turn down the volume",
    "pause the music",
    "next song",
    "delete what i just said",
)
# Recognised exactly in both voices (22/30 en-us, 10/30 en-gb overall, the same on every run since
# decoding became deterministic: batch CMN, and test audio converted with sox -R, without random
# dither).
RELIABLE = (
    "what is the weather like",
    "what is the date",
    "stop the music",
    "play some music",
    "lock the front door",
    "delete what i just said",
)
OUT_OF_DOMAIN = (
    "the quick brown fox jumps over the lazy dog",
    "my grandmother bakes bread on sundays",
    "please remind me to call the dentist",
)
VOICES = ("en-us", "en-gb")
MIN_EXACT = {"en-us": 18, "en-gb": 9}


def vocabulary(sentences: tuple[str, ...] = COMMANDS) -> Vocabulary:
    return Vocabulary("en", sentences, tuple(sorted({w for s in sentences for w in s.split()})))


@pytest.fixture(scope="module")
def engine() -> PocketsphinxEngine:
    eng = STT_ENGINES.get("pocketsphinx").load(PocketsphinxOptions(language="en", mode="grammar"))
    assert isinstance(eng, PocketsphinxEngine)
    eng.set_vocabulary(vocabulary())
    return eng


def transcribe(engine: PocketsphinxEngine, pcm: bytes) -> tuple[str, float | None, float]:
    utterance = engine.open_utterance()
    ended, _ = stream(utterance, pcm)
    result, latency = timed_finish(utterance)
    return result.text, ended, latency


@pytest.mark.parametrize("voice", VOICES)
def test_grammar_mode_recognises_commands(
    engine: PocketsphinxEngine, speech: Callable[[str, str], bytes], voice: str
) -> None:
    exact: list[str] = []
    latencies: list[float] = []
    decode_s = audio_s = 0.0
    for sentence in COMMANDS:
        pcm = quiet(0.3) + speech(sentence, voice) + quiet(1.2)
        started = time.perf_counter()
        text, ended, latency = transcribe(engine, pcm)
        decode_s += time.perf_counter() - started
        audio_s += ended or len(pcm) / 32000
        latencies.append(latency)
        assert ended is not None, f"no end of speech for {sentence!r}"
        if text == sentence:
            exact.append(sentence)
    print(
        f"\npocketsphinx {voice}: {len(exact)}/{len(COMMANDS)} exact, finish p50 "
        f"{statistics.median(latencies) * 1e3:.0f} ms "
        f"max {max(latencies) * 1e3:.0f} ms, RTF {decode_s / audio_s:.3f}"
    )
    missed_reliable = [s for s in RELIABLE if s not in exact]
    assert not missed_reliable, (
        f"{voice}: reliable sentences not recognised exactly: {missed_reliable}"
    )
    assert len(exact) >= MIN_EXACT[voice]
    assert statistics.median(latencies) < 0.5


def test_out_of_domain_speech_is_not_a_command(
    engine: PocketsphinxEngine, speech: Callable[[str, str], bytes]
) -> None:
    for sentence in OUT_OF_DOMAIN:
        text, _, _ = transcribe(engine, quiet(0.3) + speech(sentence, "en-us") + quiet(1.2))
        assert text not in COMMANDS, f"{sentence!r} came out as the command {text!r}"


def test_end_of_speech_fires_only_after_trailing_silence(
    engine: PocketsphinxEngine, speech: Callable[[str, str], bytes]
) -> None:
    spoken = speech("turn on the kitchen light", "en-us")
    speech_end = 0.3 + len(spoken) / 32000
    utterance = engine.open_utterance()
    ended, partials = stream(utterance, quiet(0.3) + spoken + quiet(2.0))
    utterance.finish()
    assert ended is not None
    assert speech_end < ended <= speech_end + engine.options.end_silence_s + 0.4
    assert partials, "no partial transcripts were produced while speaking"


def test_silence_alone_is_not_end_of_speech(engine: PocketsphinxEngine) -> None:
    utterance = engine.open_utterance()
    ended, _ = stream(utterance, quiet(3.0, seed=3))
    assert ended is None
    assert utterance.finish().text == ""


def test_missing_words_are_reported(engine: PocketsphinxEngine) -> None:
    eng = PocketsphinxEngine(PocketsphinxOptions(language="en", pool_size=1))
    eng.load()
    report = eng.set_vocabulary(vocabulary(("turn on the zorblax", "open the garage door")))
    assert report.missing_words == ("zorblax",)
    assert report.accepted_words == 6


def test_open_utterance_is_fast_when_warm(engine: PocketsphinxEngine) -> None:
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        utterance = engine.open_utterance()
        timings.append(time.perf_counter() - started)
        utterance.finish()
    assert statistics.median(timings) < 0.02


def test_open_mode_uses_the_general_model(speech: Callable[[str, str], bytes]) -> None:
    eng = PocketsphinxEngine(PocketsphinxOptions(language="en", mode="open", pool_size=1))
    eng.load()
    eng.set_vocabulary(vocabulary())  # recorded only
    utterance = eng.open_utterance()
    stream(utterance, quiet(0.3) + speech("open the garage door", "en-us") + quiet(1.0))
    assert "garage" in utterance.finish().text


def test_other_languages_need_a_model() -> None:
    eng = PocketsphinxEngine(PocketsphinxOptions(language="ko"))
    with pytest.raises(ModelNotFoundError, match="'ko'"):
        eng.load()
