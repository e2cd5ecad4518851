"""PocketSphinx with its shipped English model, on espeak-ng speech made at test time."""

from __future__ import annotations

import statistics
from collections.abc import Callable

import pytest

from hearth.models import ModelNotFoundError
from hearth_stt.engines import Vocabulary
from hearth_stt.engines.pocketsphinx_engine import PocketsphinxEngine, PocketsphinxOptions
from hearth_stt.engines.registry import STT_ENGINES
from tests.stt.speech import quiet, stream, timed_finish

MIN_EXACT_EN_US = 18
MIN_EXACT_EN_GB = 7

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
OUT_OF_DOMAIN = (
    "the quick brown fox jumps over the lazy dog",
    "my grandmother bakes bread on sundays",
    "please remind me to call the dentist",
)
VOICES = ("en-us", "en-gb")
MIN_EXACT = {"en-us": MIN_EXACT_EN_US, "en-gb": MIN_EXACT_EN_GB}
"""Floors measured with a new (or reset) decoder for every utterance; raise them when recognition
improves, never lower them to pass."""


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


def heard(
    engine: PocketsphinxEngine, speech: Callable[[str, str], bytes], voice: str
) -> dict[str, str]:
    """What the engine makes of each command, spoken by one voice."""
    return {
        sentence: transcribe(engine, quiet(0.3) + speech(sentence, voice) + quiet(1.2))[0]
        for sentence in COMMANDS
    }


@pytest.mark.parametrize("voice", VOICES)
def test_grammar_mode_recognises_commands(
    engine: PocketsphinxEngine, speech: Callable[[str, str], bytes], voice: str
) -> None:
    latencies: list[float] = []
    exact = []
    for sentence in COMMANDS:
        text, ended, latency = transcribe(engine, quiet(0.3) + speech(sentence, voice) + quiet(1.2))
        latencies.append(latency)
        assert ended is not None, f"no end of speech for {sentence!r}"
        exact += [sentence] if text == sentence else []
    print(
        f"\npocketsphinx {voice}: {len(exact)}/{len(COMMANDS)} exact, finish p50 "
        f"{statistics.median(latencies) * 1e3:.0f} ms"
    )
    assert len(exact) >= MIN_EXACT[voice], f"{voice}: {len(exact)} exact; missed " + ", ".join(
        s for s in COMMANDS if s not in exact
    )


@pytest.mark.xfail(
    strict=True,
    reason="pocketsphinx forces what it hears onto the vocabulary: measured, 3 of 30 en-us and "
    "2 of 30 en-gb commands came out as another command ('turn off the bedroom light' as 'turn on "
    "the bedroom light', 'unlock the front door' as 'lock the front door'); the whisper engine is "
    "the default for this reason",
)
@pytest.mark.parametrize("voice", VOICES)
def test_grammar_mode_never_turns_a_command_into_another(
    engine: PocketsphinxEngine, speech: Callable[[str, str], bytes], voice: str
) -> None:
    swapped = {s: t for s, t in heard(engine, speech, voice).items() if t != s and t in COMMANDS}
    assert not swapped, f"{voice}: {swapped}"


def test_a_transcript_does_not_depend_on_what_was_said_before(
    speech: Callable[[str, str], bytes],
) -> None:
    """Each session starts from the same decoder state: a command heard after others comes out
    exactly as it did when the engine was new (its pooled decoders are reused from session to
    session)."""
    sentence = "turn off the bedroom light"
    pcm = quiet(0.3) + speech(sentence, "en-us") + quiet(1.2)
    used = new_engine()
    first = transcribe(used, pcm)[0]
    for other in ("what time is it", "turn on the kitchen light", "set a timer for five minutes"):
        transcribe(used, quiet(0.3) + speech(other, "en-gb") + quiet(1.2))
    assert transcribe(used, pcm)[0] == first


def new_engine() -> PocketsphinxEngine:
    engine = PocketsphinxEngine(PocketsphinxOptions(language="en", mode="grammar", pool_size=1))
    engine.load()
    engine.set_vocabulary(vocabulary())
    return engine


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
