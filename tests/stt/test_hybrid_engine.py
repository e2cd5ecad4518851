"""The hybrid engine: the grammar engine's answer when it is sure, Whisper's when it is not, with
the share of each counted. Real engines (pocketsphinx, Whisper base) on speech from two families."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client import REGISTRY

from hearth.models import resolve_whisper_model
from hearth_intent.demo_home import DEMO_AREAS, DEMO_DEVICES
from hearth_intent.matcher import IntentMatcher
from hearth_intent.plugin_loading import plugin_sentences
from hearth_intent.vocabulary_store import VocabularyStore
from hearth_stt.engines import Vocabulary
from hearth_stt.engines.hybrid_engine import HybridEngine, HybridOptions
from hearth_stt.engines.pocketsphinx_engine import PocketsphinxOptions
from hearth_stt.engines.registry import STT_ENGINES
from hearth_stt.engines.whisper_engine import WhisperOptions
from tests.speech import espeak_pcm, voice_wav
from tests.stt.speech import quiet, stream
from tests.support import VOCABULARY_STORE


@pytest.fixture(scope="module")
def vocabulary() -> Vocabulary:
    matcher = IntentMatcher(
        "en",
        intents=None,
        areas=DEMO_AREAS,
        devices=list(DEMO_DEVICES),
        plugins=plugin_sentences("en"),  # the service's default plugins, as it runs them
    )
    sentences, words = matcher.vocabulary(store=VocabularyStore(VOCABULARY_STORE))
    names = tuple(d.name for d in DEMO_DEVICES) + DEMO_AREAS
    return Vocabulary(language="en", sentences=sentences, words=words, names=names)


def hybrid(vocabulary: Vocabulary, model: Path, min_fast_confidence: float) -> HybridEngine:
    options = HybridOptions(
        language="en",
        fast_options=PocketsphinxOptions(language="en"),
        whisper_options=WhisperOptions(language="en", model_dir=model),
        min_fast_confidence=min_fast_confidence,
    )
    engine = STT_ENGINES.get("hybrid").load(options)
    assert isinstance(engine, HybridEngine)
    engine.set_vocabulary(vocabulary)
    return engine


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield resolve_whisper_model("whisper-base", None, tmp_path_factory.mktemp("data"))


def fast_path(engine: str) -> float:
    return REGISTRY.get_sample_value("hearth_stt_fast_path_total", {"engine": engine}) or 0.0


def decode(engine: HybridEngine, pcm: bytes) -> tuple[str, str]:
    utterance = engine.open_utterance()
    stream(utterance, quiet(0.3) + pcm + quiet(1.2))
    result = utterance.finish()
    return result.text, result.engine


def test_a_sure_grammar_answer_is_used_at_once(vocabulary: Vocabulary, model: Path) -> None:
    engine = hybrid(vocabulary, model, min_fast_confidence=0.0)
    before = fast_path("pocketsphinx")
    text, by = decode(engine, espeak_pcm("turn on the kitchen lights", speed=150))
    assert by == "pocketsphinx" and text, (text, by)
    assert fast_path("pocketsphinx") == before + 1


def test_an_answer_outside_the_vocabulary_goes_to_whisper(
    vocabulary: Vocabulary, model: Path, tmp_path: Path
) -> None:
    """What the grammar engine makes of speech it has no sentence for is no vocabulary sentence,
    so it is not sure, and Whisper writes what was said."""
    engine = hybrid(vocabulary, model, min_fast_confidence=0.5)
    before = fast_path("whisper")
    wav = voice_wav("sing me a song about the ocean", tmp_path / "piper.wav", "piper")
    text, by = decode(engine, wav.read_bytes()[44:])
    assert by == "whisper", (text, by)
    assert "song" in text.lower() and "ocean" in text.lower(), text
    assert fast_path("whisper") == before + 1
