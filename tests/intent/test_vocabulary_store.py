"""The intent service keeps built vocabularies and reads one back only for the same inputs."""

from __future__ import annotations

import os
from pathlib import Path

from hearth_intent.demo_home import DEMO_AREAS, DEMO_DEVICES
from hearth_intent.home import Device
from hearth_intent.matcher import IntentMatcher
from hearth_intent.vocabulary_store import KEPT, SpokenVocabulary, VocabularyStore, key_of

SMALL = 40
"""Sentences per test vocabulary: enough to show the path, quick to build."""


def _matcher(devices: tuple[Device, ...] = tuple(DEMO_DEVICES)) -> IntentMatcher:
    return IntentMatcher(
        "en", intents=["HassTurnOn", "HassTurnOff"], areas=DEMO_AREAS, devices=list(devices)
    )


def test_a_stored_vocabulary_is_the_one_built(tmp_path: Path) -> None:
    store = VocabularyStore(tmp_path)
    built = _matcher().vocabulary(max_sentences=SMALL, store=store)
    assert len(list(tmp_path.glob("*.json"))) == 1
    assert _matcher().vocabulary(max_sentences=SMALL, store=store) == built
    assert built == _matcher().vocabulary(max_sentences=SMALL)  # and the same as no store at all


def test_a_changed_home_builds_afresh(tmp_path: Path) -> None:
    store = VocabularyStore(tmp_path)
    before = _matcher().vocabulary(max_sentences=SMALL, store=store)
    garage = Device(name="garage heater", domain="switch", area="kitchen")
    after = _matcher((garage,)).vocabulary(max_sentences=SMALL, store=store)
    assert before != after
    assert any("garage heater" in sentence for sentence in after[0])
    assert len(list(tmp_path.glob("*.json"))) == 2


def test_the_key_follows_every_input() -> None:
    base = {"language": "en", "intents": ["HassTurnOn"], "areas": ["kitchen"], "devices": []}
    keys = {
        key_of(base),
        key_of({**base, "language": "de"}),
        key_of({**base, "intents": ["HassTurnOff"]}),
        key_of({**base, "areas": ["attic"]}),
        key_of({**base, "devices": [{"name": "fan"}]}),
        key_of({**base, "max_sentences": 10}),
    }
    assert len(keys) == 6
    assert key_of(dict(base)) == key_of(base)


def test_an_unreadable_store_entry_is_built_again(tmp_path: Path) -> None:
    store = VocabularyStore(tmp_path)
    built = _matcher().vocabulary(max_sentences=SMALL, store=store)
    (stored,) = tmp_path.glob("*.json")
    stored.write_text("{not json")
    assert _matcher().vocabulary(max_sentences=SMALL, store=store) == built


def test_only_the_newest_few_are_kept(tmp_path: Path) -> None:
    store = VocabularyStore(tmp_path)
    for number in range(KEPT + 2):
        store.save(f"key{number}", SpokenVocabulary((f"sentence {number}",), ("sentence",)))
        os.utime(tmp_path / f"key{number}.json", (number, number))
    store.save("newest", SpokenVocabulary(("a",), ("a",)))
    left = sorted(path.stem for path in tmp_path.glob("*.json"))
    assert len(left) == KEPT
    assert "newest" in left and "key0" not in left
    assert all(oct(path.stat().st_mode & 0o777) == "0o600" for path in tmp_path.glob("*.json"))


def test_a_store_that_cannot_be_written_costs_only_time(tmp_path: Path) -> None:
    root = tmp_path / "store"
    root.write_text("not a directory")
    built = _matcher().vocabulary(max_sentences=SMALL, store=VocabularyStore(root))
    assert built[0]


def test_meanings_are_stored_and_read_back(tmp_path: Path) -> None:
    store = VocabularyStore(tmp_path)
    spoken = _matcher().spoken_vocabulary(max_sentences=SMALL, store=store)
    assert spoken.meanings is not None and len(spoken.meanings) == len(spoken.sentences)
    assert _matcher().spoken_vocabulary(max_sentences=SMALL, store=store) == spoken
    (stored,) = tmp_path.glob("*.json")
    assert '"meanings"' in stored.read_text()
