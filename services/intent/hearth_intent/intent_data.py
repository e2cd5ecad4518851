"""The sentence templates Hearth understands: home-assistant-intents' data for a language, Hearth's
own sentences on top, narrowed to the enabled intents and to the home that exists.

Matching and the recogniser's vocabulary are both built from what this module returns, so they
agree on what is sayable.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml
from hassil import Intents, SlotList, TextChunk, TextSlotList, TextSlotValue
from home_assistant_intents import get_intents, get_languages

from hearth.privacy import PRIVACY_INTENTS
from hearth_intent.home import Device

DEFAULT_INTENTS: tuple[str, ...] = (
    "HassTurnOn",
    "HassTurnOff",
    "HassLightSet",
    "HassGetCurrentTime",
    "HassGetCurrentDate",
    "HassStartTimer",
    "HassCancelTimer",
    "HassGetWeather",
    "HassNevermind",
)

# Sentences the upstream data lacks but people say to a voice assistant, and Hearth's own
# privacy commands: hassil YAML data in sentences/<language>.yaml, in upstream's format.
_SENTENCES_DIR = Path(__file__).parent / "sentences"


@functools.cache
def _extra_sentences(language: str) -> dict[str, list[dict[str, Any]]]:
    """Intent name → extra data blocks for the language (none when Hearth ships no file for it)."""
    path = _SENTENCES_DIR / f"{language}.yaml"
    if not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {name: list(intent.get("data", [])) for name, intent in data.get("intents", {}).items()}


def load_language(language: str) -> dict[str, Any]:
    """home-assistant-intents' data for the language; an unknown one names those available."""
    languages = sorted(get_languages())
    data = get_intents(language) if language in languages else None
    if data is None:
        raise ValueError(f"Unknown intent language {language!r}; available: {', '.join(languages)}")
    return data


def select_intents(
    language: str, data: dict[str, Any], requested: Sequence[str] | None
) -> tuple[str, ...]:
    """The intents to enable: those requested (None: DEFAULT_INTENTS), plus the privacy commands."""
    available = set(data["intents"]) | set(_extra_sentences(language))
    # The privacy commands cannot be configured away: "stop listening" must always work.
    always = tuple(sorted(name for name in PRIVACY_INTENTS if name in available))
    if requested is None:
        return tuple(name for name in DEFAULT_INTENTS if name in available) + always
    if not requested:
        raise ValueError("At least one intent must be enabled")
    unknown = [name for name in requested if name not in available]
    if unknown:
        raise ValueError(
            f"Unknown intent(s) {', '.join(unknown)} for language {language!r}; "
            f"available: {', '.join(sorted(available))}"
        )
    return tuple(dict.fromkeys((*requested, *always)))


def intents_for_home(
    language: str,
    data: dict[str, Any],
    names: Sequence[str],
    areas: Sequence[str],
    devices: Sequence[Device],
) -> Intents:
    """hassil Intents for the enabled intents, with the home's {area} and {name} lists filled in."""
    intents = _build_intents(language, data, names, {device.domain for device in devices})
    intents.slot_lists.update(_home_slot_lists(areas, devices))
    _add_missing_lists(intents)
    return intents


def _build_intents(
    language: str, data: dict[str, Any], names: Sequence[str], domains: set[str]
) -> Intents:
    """Load the enabled intents, minus blocks about device kinds the home does not have.

    Dropping "open the garage door" when there is no cover keeps the recogniser's vocabulary
    and the matcher's answers about the home that exists.
    """
    selected: dict[str, Any] = {}
    extras = _extra_sentences(language)
    for name in names:
        blocks = list(data["intents"].get(name, {}).get("data", [])) + extras.get(name, [])
        selected[name] = {"data": blocks}
    intents = Intents.from_dict({**data, "intents": selected})
    for intent in intents.intents.values():
        intent.data = [b for b in intent.data if not b.domains or b.domains & domains]
    return intents


def _home_slot_lists(areas: Sequence[str], devices: Sequence[Device]) -> dict[str, SlotList]:
    """Build the {area} and {name} lists; a device's domain rides along as match context."""
    names = [
        TextSlotValue(
            text_in=TextChunk(device.name), value_out=device.name, context={"domain": device.domain}
        )
        for device in devices
    ]
    return {
        "area": TextSlotList.from_strings(areas, allow_template=False, name="area"),
        "name": TextSlotList(name="name", values=names),
    }


def _add_missing_lists(intents: Intents) -> None:
    """Give templates that reference lists Hearth does not configure (floors, zones...) an
    empty list, so matching skips them instead of raising MissingListError."""
    referenced: set[str] = set()
    for intent in intents.intents.values():
        for block in intent.data:
            rules = {**intents.expansion_rules, **block.expansion_rules}
            for sentence in block.sentences:
                referenced.update(sentence.list_names(rules))
    for list_name in referenced:
        known = list_name in intents.slot_lists or ".." in list_name
        if not known:
            intents.slot_lists[list_name] = TextSlotList(name=list_name, values=[])
