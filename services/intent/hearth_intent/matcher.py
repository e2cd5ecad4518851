"""Match final transcripts to Home Assistant intents, and publish the matching vocabulary.

The sentence templates come from home-assistant-intents, so Hearth inherits 60+ languages
maintained by that community instead of writing its own. hassil does the matching. The same
templates, expanded into spoken sentences, become the closed-domain vocabulary for the speech
recogniser (the Rhasspy / speech-to-phrase trick), so the recogniser and the matcher can
never disagree about what is sayable.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from hassil import recognize_best
from home_assistant_intents import get_speech_to_phrase_intents, get_speech_to_phrase_languages

from hearth.plugins import Slot
from hearth_intent.home import Device
from hearth_intent.intent_data import (
    PluginSentences,
    intents_for_home,
    load_language,
    select_intents,
)
from hearth_intent.sentence_sampler import sample_vocabulary
from hearth_intent.spoken_templates import TemplatesByIntent, compile_templates
from hearth_intent.vocabulary_store import (
    SpokenVocabulary,
    VocabularyStore,
    key_of,
    plugin_inputs,
)

SITE_AREA = "<the asking site's room>"
"""The room a sentence without one is matched in when its meaning is worked out."""


@dataclass(frozen=True)
class IntentMatch:
    """An intent recognised in a transcript, with slot values flattened to strings."""

    intent: str
    slots: dict[str, str]
    text: str
    values: Mapping[str, Slot] = field(default_factory=dict, compare=False, repr=False)
    """Each slot's resolved value and the words it was said with, for a plugin's handler."""


class IntentMatcher:
    """hassil matcher over one language's templates and the home's areas and devices.

    Everything expensive (loading JSON, parsing templates, number-word tries) happens once in
    the constructor, so recognize() stays in the low milliseconds.
    """

    def __init__(
        self,
        language: str,
        *,
        intents: Sequence[str] | None,
        areas: Sequence[str],
        devices: Sequence[Device],
        plugins: Sequence[PluginSentences] = (),
    ) -> None:
        data = load_language(language)
        self.language = language
        self.intent_names = select_intents(language, data, intents, plugins)
        self._intents = intents_for_home(language, data, self.intent_names, areas, devices, plugins)
        self._templates = compile_templates(self._intents, language)
        self._vocabulary_templates = (
            self._speech_templates(language, areas, devices, plugins) or self._templates
        )
        self._vocabulary_cache: dict[int, SpokenVocabulary] = {}
        self._devices = tuple(devices)
        self._built_from = {
            "language": language,
            "intents": list(self.intent_names),
            "areas": list(areas),
            "devices": [dataclasses.asdict(device) for device in devices],
            "plugins": plugin_inputs(plugins),
        }
        """What the vocabulary is made from: the key of a stored one."""
        self._warm_up(areas)

    def recognize(self, text: str, *, area: str | None = None) -> IntentMatch | None:
        """Return the best intent for a transcript, or None when nothing matches.

        ``area`` is the room of the site that heard the command; it lets "turn on the
        lights" mean the lights in that room, as in Home Assistant.
        """
        if not text.strip():
            return None
        result = recognize_best(
            text,
            self._intents,
            intent_context={"area": area} if area else None,
            language=self.language,
            best_slot_name="name",
        )
        if result is None:
            return None
        entities = {
            name: entity for name, entity in result.entities.items() if entity.value is not None
        }
        return IntentMatch(
            intent=result.intent.name,
            slots={name: _slot_text(entity.value) for name, entity in entities.items()},
            text=text,
            values={
                name: Slot(name=name, value=entity.value, text=entity.text)
                for name, entity in entities.items()
            },
        )

    def recognize_spoken(
        self, text: str, *, area: str | None = None, max_leading_words: int = 2
    ) -> IntentMatch | None:
        """Like recognize(), for a transcript from a wake-word session.

        The session's pre-roll can carry the tail of the wake phrase ("...tia turn on the
        lights"), which the recogniser renders as a stray leading word; when the whole
        transcript matches nothing, up to max_leading_words leading words are dropped.
        """
        match = self.recognize(text, area=area)
        words = text.split()
        for drop in range(1, min(max_leading_words, len(words) - 1) + 1):
            if match is not None:
                break
            match = self.recognize(" ".join(words[drop:]), area=area)
            if match is not None:
                match = IntentMatch(match.intent, match.slots, text, match.values)
        return match

    def vocabulary(
        self, *, max_sentences: int = 5000, store: VocabularyStore | None = None
    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Return (sentences, words) the speech recogniser should accept.

        Sentences are spoken forms (lowercase, numbers as words, no digits or symbols),
        sampled fairly across intents and templates when the full expansion exceeds
        ``max_sentences``, and deterministic for a given configuration. With a `store`, a
        vocabulary built before from the same inputs is read back instead of built.
        """
        built = self._vocabulary(max_sentences, store, with_meanings=False)
        return built.sentences, built.words

    def spoken_vocabulary(
        self, *, max_sentences: int = 5000, store: VocabularyStore | None = None
    ) -> SpokenVocabulary:
        """``vocabulary``, with what each sentence means (``meaning_of``; matching every
        sentence takes seconds, so a store keeps the meanings too)."""
        return self._vocabulary(max_sentences, store, with_meanings=True)

    def _vocabulary(
        self, max_sentences: int, store: VocabularyStore | None, *, with_meanings: bool
    ) -> SpokenVocabulary:
        if max_sentences < 1:
            raise ValueError(f"max_sentences must be at least 1, got {max_sentences}")
        built = self._vocabulary_cache.get(max_sentences)
        key = key_of({**self._built_from, "max_sentences": max_sentences}) if store else ""
        if built is None and store is not None:
            built = store.load(key)
        changed = built is None
        if built is None:
            built = self._build_vocabulary(max_sentences)
        if with_meanings and built.meanings is None:
            meanings = tuple(self.meaning_of(s) or "" for s in built.sentences)
            built = dataclasses.replace(built, meanings=meanings)
            changed = True
        if changed and store is not None:
            store.save(key, built)
        self._vocabulary_cache[max_sentences] = built
        return built

    def _build_vocabulary(self, max_sentences: int) -> SpokenVocabulary:
        """Sample the spoken templates. When they are not the templates the service matches
        with, only sentences the service understands are kept, and the match that decided it
        gives the sentence's meaning too: a sentence that matches without the site's room means
        the same in every room (matching each sentence again would double a cold start)."""
        sampled = sample_vocabulary(self._vocabulary_templates, max_sentences)
        if self._templates is self._vocabulary_templates:
            sentences, meanings = tuple(sampled), None
        else:
            matched = ((s, self.recognize(s)) for s in sampled)
            kept = [(s, match) for s, match in matched if match is not None]
            sentences = tuple(s for s, _ in kept)
            meanings = tuple(self._meaning(match) for _, match in kept)
        words = tuple(sorted({word for sentence in sentences for word in sentence.split()}))
        return SpokenVocabulary(sentences, words, meanings)

    def meaning_of(self, sentence: str) -> str | None:
        """What a sentence does, as text ("HassTurnOn targets=kitchen light"): two sentences with
        the same meaning do the same thing in this home, so a recogniser choosing between them
        need not tell them apart ("the bedroom lights" are the bedroom light when it is the room's
        only light). A sentence without a room means the asking site's room, which is none of the
        named ones; None when the sentence matches nothing (a sentence only typed commands can
        mean)."""
        match = self.recognize(sentence, area=SITE_AREA)
        return None if match is None else self._meaning(match)

    def _meaning(self, match: IntentMatch) -> str:
        slots = self._with_targets(dict(match.slots))
        described = " ".join(f"{name}={value}" for name, value in sorted(slots.items()))
        return f"{match.intent} {described}".strip()

    def _with_targets(self, slots: dict[str, str]) -> dict[str, str]:
        """The slots with a device's name, or a named room and domain, replaced by the devices
        they choose (unchanged when they choose none, or the room is the asking site's)."""
        name, area, domain = slots.get("name"), slots.get("area"), slots.get("domain")
        if name is not None:
            targets = [name]
        elif area == SITE_AREA or (area is None and domain is None):
            return slots
        else:
            targets = [
                d.name
                for d in self._devices
                if (area is None or d.area == area) and (domain is None or d.domain == domain)
            ]
        if not targets:
            return slots
        kept = {k: v for k, v in slots.items() if k not in ("name", "area", "domain")}
        return {**kept, "targets": ",".join(sorted(targets))}

    def _speech_templates(
        self,
        language: str,
        areas: Sequence[str],
        devices: Sequence[Device],
        plugins: Sequence[PluginSentences],
    ) -> TemplatesByIntent | None:
        """Templates for the recogniser's vocabulary from home-assistant-intents' speech-to-phrase
        set.

        That set is curated for speech recognisers: the natural phrasings only, so a grammar built
        from it is small and sharp, where the full matching set (every optional word and odd
        combination) would dilute it. Matching still uses the full set, so typed or unusual
        phrasings are understood too; vocabulary() keeps only sentences the full set recognizes.
        """
        if language not in get_speech_to_phrase_languages():
            return None
        data = get_speech_to_phrase_intents(language)
        if not data:
            return None
        names = [name for name in self.intent_names if name in data["intents"]]
        if not names:
            return None
        # The curated phrasings stay the recogniser's for the intents they cover: plugins bring
        # their lists and slot values to them, but not their own sentences (a plugin's many
        # phrasings of a Home Assistant intent would crowd every other command out of the budget).
        curated = [
            dataclasses.replace(
                plugin, data={k: v for k, v in plugin.data.items() if k != "intents"}
            )
            for plugin in plugins
        ]
        speech = intents_for_home(language, data, names, areas, devices, curated)
        compiled = compile_templates(speech, language)
        # Intents the speech set lacks keep their spoken templates, so nothing enabled goes unheard.
        spoken = compile_templates(self._intents, language, spoken_only=True)
        return {name: compiled.get(name) or spoken.get(name, []) for name in self.intent_names}

    def _warm_up(self, areas: Sequence[str]) -> None:
        """Match one sentence per intent so template parsing and number tries are built now."""
        area = areas[0] if areas else None
        for sentence in sample_vocabulary(self._templates, len(self.intent_names)):
            self.recognize(sentence, area=area)


def _slot_text(value: Any) -> str:
    """Slot values travel as strings: booleans lowercase, whole numbers without ".0"."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (list, tuple, set, frozenset)):
        return ",".join(_slot_text(item) for item in value)
    return str(value)
