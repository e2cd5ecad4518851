"""Vocabularies kept on disk, so the intent service starts in seconds rather than in sixteen.

Building the recogniser's vocabulary checks each sampled sentence against the full matching set
(IntentMatcher.vocabulary), about 3 ms a sentence on a 2-core machine: 5000 sentences took 16 s at
every start, most of a stack's start-up. The result depends only on what the key is made of: the
language, the enabled intents, the home's areas and devices, the plugins' sentences and slot
lists, the sentence budget, the versions of hassil and home-assistant-intents, and the code that
builds it. A stored vocabulary is used only under the same key, so any change builds it afresh.

The files hold sentences and the home's own names, never anything a person said; the newest few
are kept and the rest deleted when a new one is stored.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

KEPT = 4
"""Stored vocabularies kept (a home switching between a few configurations keeps them all)."""
FORMAT = 2
"""Bumped when the file's shape changes."""
_PACKAGE = Path(__file__).parent
_BUILDERS = ("matcher.py", "intent_data.py", "sentence_sampler.py", "spoken_templates.py")
"""The modules whose code decides the vocabulary; their source is part of the key."""
_LIBRARIES = ("hassil", "home-assistant-intents")


@dataclass(frozen=True)
class SpokenVocabulary:
    """What the recogniser is taught (IntentMatcher.spoken_vocabulary)."""

    sentences: tuple[str, ...]
    words: tuple[str, ...]
    meanings: tuple[str, ...] | None = None
    """What each sentence asks, in the sentences' order (IntentMatcher.meaning_of); None until
    worked out."""


def key_of(inputs: Mapping[str, Any]) -> str:
    """A key for a vocabulary built from `inputs` (anything JSON can show) by this code with
    these libraries."""
    material = {
        "format": FORMAT,
        "inputs": inputs,
        "libraries": {name: _version(name) for name in _LIBRARIES},
        "code": _code_digest(),
    }
    text = json.dumps(material, sort_keys=True, default=repr, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


class VocabularyStore:
    """Vocabularies by key in one directory (0600 files, like everything under the data dir)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def load(self, key: str) -> SpokenVocabulary | None:
        """The vocabulary stored under `key`, or None (absent or unreadable: it is rebuilt)."""
        path = self._path(key)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            sentences = tuple(str(s) for s in data["sentences"])
            words = tuple(str(w) for w in data["words"])
            stored = data.get("meanings")
            meanings = None if stored is None else tuple(str(m) for m in stored)
            if meanings is not None and len(meanings) != len(sentences):
                raise ValueError("a meaning per sentence is missing")
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("stored vocabulary %s is unreadable (%s); building it again", path, exc)
            return None
        os.utime(path)  # the newest-used are the ones pruning keeps
        return SpokenVocabulary(sentences, words, meanings)

    def save(self, key: str, vocabulary: SpokenVocabulary) -> None:
        """Store it; a failure only costs the next start its time, so it is logged, not
        raised."""
        try:
            self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
            path = self._path(key)
            temporary = path.with_name(f".{path.name}.tmp")
            temporary.write_text(
                json.dumps(
                    {
                        "sentences": list(vocabulary.sentences),
                        "words": list(vocabulary.words),
                        "meanings": None
                        if vocabulary.meanings is None
                        else list(vocabulary.meanings),
                    }
                ),
                encoding="utf-8",
            )
            os.chmod(temporary, 0o600)
            os.replace(temporary, path)
            self._prune()
        except OSError as exc:
            log.warning("could not store the vocabulary in %s: %s", self.root, exc)

    def _path(self, key: str) -> Path:
        return self.root / f"{key}.json"

    def _prune(self) -> None:
        stored = sorted(self.root.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in stored[KEPT:]:
            old.unlink(missing_ok=True)


def _version(distribution: str) -> str:
    try:
        return version(distribution)
    except PackageNotFoundError:
        return "absent"


@functools.cache
def _code_digest() -> str:
    """The building code's digest, read once per process."""
    digest = hashlib.sha256()
    for name in _BUILDERS:
        digest.update((_PACKAGE / name).read_bytes())
    for path in sorted((_PACKAGE / "sentences").rglob("*.yaml")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def plugin_inputs(plugins: Sequence[Any]) -> list[dict[str, Any]]:
    """What of each plugin's sentences goes into a key (PluginSentences, as plain data)."""
    return [
        {
            "plugin": plugin.plugin,
            "data": plugin.data,
            "slot_lists": plugin.slot_lists,
            "handled": list(plugin.handled),
        }
        for plugin in plugins
    ]
