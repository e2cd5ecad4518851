"""The sentence templates Hearth understands: home-assistant-intents' data for a language, Hearth's
own sentences and the enabled plugins' sentences and slot lists on top, narrowed to the enabled
intents and to the home that exists.

Matching and the recogniser's vocabulary are both built from what this module returns, so they
agree on what is sayable.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from hassil import Intents, SlotList, TextChunk, TextSlotList, TextSlotValue
from home_assistant_intents import get_intents, get_languages

from hearth_intent.home import Device

log = logging.getLogger(__name__)

SlotValues = Sequence[str | tuple[str, Any] | tuple[str, Any, Mapping[str, Any]]]
"""A slot list's values: each a spoken string, (spoken, value) or (spoken, value, context)."""


@dataclass(frozen=True)
class PluginSentences:
    """What one plugin adds to the matcher for a language: its hassil YAML data (new intents,
    more sentences for Home Assistant's, `lists:` and `expansion_rules:`), the slot lists it
    computed, and the intents it handles (enabled with it, when the language has sentences for
    them)."""

    plugin: str
    data: Mapping[str, Any] = field(default_factory=dict)
    slot_lists: Mapping[str, SlotValues] = field(default_factory=dict)
    handled: tuple[str, ...] = ()

    @property
    def intents(self) -> tuple[str, ...]:
        """The intents its sentences name."""
        return tuple(self.data.get("intents") or {})

    def blocks(self, intent: str) -> list[dict[str, Any]]:
        """Its data blocks for one intent."""
        return list(((self.data.get("intents") or {}).get(intent) or {}).get("data") or [])


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

# Sentences the upstream data lacks but people say to a voice assistant: hassil YAML data in
# sentences/<language>.yaml, in upstream's format. Hearth's own intents come from plugins.
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
    language: str,
    data: dict[str, Any],
    requested: Sequence[str] | None,
    plugins: Sequence[PluginSentences] = (),
) -> tuple[str, ...]:
    """The intents to enable: those requested (None: DEFAULT_INTENTS), plus every intent the
    enabled plugins bring or handle (a plugin cannot be half enabled)."""
    upstream = set(data["intents"]) | set(_extra_sentences(language))
    brought = {name for plugin in plugins for name in plugin.intents}
    available = upstream | brought
    handled = {name for plugin in plugins for name in plugin.handled if name in available}
    always = tuple(sorted(brought | handled))
    if requested is None:
        defaults = tuple(name for name in DEFAULT_INTENTS if name in available)
        return tuple(dict.fromkeys((*defaults, *always)))
    if not requested and not always:
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
    plugins: Sequence[PluginSentences] = (),
) -> Intents:
    """hassil Intents for the enabled intents, with the home's {area} and {name} lists filled in
    and the plugins' slot lists added."""
    intents = _build_intents(language, data, names, {device.domain for device in devices}, plugins)
    intents.slot_lists.update(_home_slot_lists(areas, devices))
    for plugin in plugins:
        for list_name, values in plugin.slot_lists.items():
            _extend_list(intents.slot_lists, list_name, values)
    _add_missing_lists(intents)
    return intents


def with_plugin_definitions(
    data: Mapping[str, Any], plugins: Sequence[PluginSentences]
) -> dict[str, Any]:
    """The language's data with the plugins' `lists:` and `expansion_rules:` added; a name the
    data (or an earlier plugin) already defines keeps its first definition, so no plugin can
    change how other sentences match."""
    merged = {**data, "lists": dict(data.get("lists") or {})}
    merged["expansion_rules"] = dict(data.get("expansion_rules") or {})
    for plugin in plugins:
        for section in ("lists", "expansion_rules"):
            for name, value in (plugin.data.get(section) or {}).items():
                if name in merged[section] and merged[section][name] != value:
                    log.warning(
                        "plugin %s: %s %r is already defined; keeping the first definition",
                        plugin.plugin,
                        section.replace("_", " ").rstrip("s"),
                        name,
                    )
                    continue
                merged[section][name] = value
    return merged


def _build_intents(
    language: str,
    data: dict[str, Any],
    names: Sequence[str],
    domains: set[str],
    plugins: Sequence[PluginSentences],
) -> Intents:
    """Load the enabled intents, minus blocks about device kinds the home does not have.

    Dropping "open the garage door" when there is no cover keeps the recogniser's vocabulary
    and the matcher's answers about the home that exists.
    """
    selected: dict[str, Any] = {}
    extras = _extra_sentences(language)
    for name in names:
        blocks = list(data["intents"].get(name, {}).get("data", [])) + extras.get(name, [])
        for plugin in plugins:
            blocks += plugin.blocks(name)
        selected[name] = {"data": [b for b in map(_without_bare_names, blocks) if b["sentences"]]}
    intents = Intents.from_dict({**with_plugin_definitions(data, plugins), "intents": selected})
    for intent in intents.intents.values():
        intent.data = [b for b in intent.data if not b.domains or b.domains & domains]
    return intents


_OPTIONAL = re.compile(r"\[[^\[\]]*\]")
_ARTICLE = re.compile(r"<the>")
_ONE_SLOT = re.compile(r"^[\s(;|)]*\{[^}]+\}[\s;|)(]*$")


def is_bare_name(template: str) -> bool:
    """A sentence template that, without its optional parts, is one slot and nothing else:
    "[<the>] {name}" (Home Assistant's "say a device's name to turn it on"). Hearth never
    matches one: a recogniser that lost the words before a name ("... the office fan" for "turn
    off the office fan") would otherwise turn the device on, and a wrong action is worse than
    none."""
    text = template
    while True:
        shorter = _OPTIONAL.sub(" ", text)
        if shorter == text:
            break
        text = shorter
    text = _ARTICLE.sub(" ", text).strip()
    return bool(_ONE_SLOT.match(text))


def _without_bare_names(block: Mapping[str, Any]) -> dict[str, Any]:
    """The block without its bare-name sentences (``is_bare_name``)."""
    sentences = [t for t in block.get("sentences", []) if not is_bare_name(t)]
    return {**block, "sentences": sentences}


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


def _extend_list(lists: dict[str, SlotList], name: str, values: SlotValues) -> None:
    """Add a plugin's values to a list (made when missing)."""
    found = lists.get(name)
    if found is not None and not isinstance(found, TextSlotList):
        log.warning("slot list %r is not a text list; a plugin cannot add values to it", name)
        return
    added = [
        TextSlotValue(text_in=TextChunk(v), value_out=v)
        if isinstance(v, str)
        else TextSlotValue(
            text_in=TextChunk(v[0]), value_out=v[1], context=dict(v[2]) if len(v) > 2 else None
        )
        for v in values
    ]
    if found is None:
        lists[name] = TextSlotList(name=name, values=added)
    else:
        lists[name] = TextSlotList(name=name, values=[*found.values, *added])


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
