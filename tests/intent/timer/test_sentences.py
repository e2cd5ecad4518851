"""The timer plugin's English sentences, through hassil: Home Assistant's intent and slot names,
and the named-timer sentences in what the speech recogniser is taught."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml
from hassil import Intents, TextSlotList
from home_assistant_intents import get_intents

from hearth_intent.plugins.timer import TimerPlugin
from hearth_intent.plugins.timer.commands import STOP_RINGING
from hearth_intent.sentence_sampler import sample_vocabulary
from hearth_intent.spoken_templates import compile_templates
from tests.intent.timer.support import understand

SLOT = re.compile(r"\{\w+:(\w+)\}")
"""A slot in a template: {list:slot}."""

SENTENCES = [
    ("set a timer for five minutes", "HassStartTimer", {"minutes": 5}),
    ("set a pasta timer for ten minutes", "HassStartTimer", {"name": "pasta", "minutes": 10}),
    ("start a 2 minute timer", "HassStartTimer", {"minutes": 2}),
    ("set a timer for an hour and a half", "HassStartTimer", {"hours": 1, "minutes": 30}),
    ("set a timer for half an hour", "HassStartTimer", {"minutes": 30}),
    ("set a timer for 1 hour and 10 minutes", "HassStartTimer", {"hours": 1, "minutes": 10}),
    ("set a timer for three seconds", "HassStartTimer", {"seconds": 3}),
    ("set a ten minute timer called rice", "HassStartTimer", {"name": "rice", "minutes": 10}),
    ("cancel the timer", "HassCancelTimer", {}),
    ("cancel the pasta timer", "HassCancelTimer", {"name": "pasta"}),
    ("stop the five minute timer", "HassCancelTimer", {"start_minutes": 5}),
    ("cancel all timers", "HassCancelAllTimers", {}),
    ("pause the timer", "HassPauseTimer", {}),
    ("pause the egg timer", "HassPauseTimer", {"name": "egg"}),
    ("resume the timer", "HassUnpauseTimer", {}),
    ("continue the pasta timer", "HassUnpauseTimer", {"name": "pasta"}),
    ("add two minutes to the timer", "HassIncreaseTimer", {"minutes": 2}),
    (
        "add 1 minute to the pasta timer",
        "HassIncreaseTimer",
        {"minutes": 1, "name": "pasta"},
    ),
    (
        "take 30 seconds off the 5 minute timer",
        "HassDecreaseTimer",
        {"seconds": 30, "start_minutes": 5},
    ),
    ("how much time is left", "HassTimerStatus", {}),
    ("how much time is left on the pasta timer", "HassTimerStatus", {"name": "pasta"}),
    ("what timers do i have", "HassTimerStatus", {}),
]


@pytest.mark.parametrize(("text", "intent", "slots"), SENTENCES, ids=[s[0] for s in SENTENCES])
def test_sentence_gives_intent_and_slots(text: str, intent: str, slots: dict[str, Any]) -> None:
    context = understand(TimerPlugin(), text)
    assert context.intent == intent
    assert {name: slot.value for name, slot in context.slots.items()} == slots


def test_intents_and_slots_are_home_assistants() -> None:
    """Automations written for Home Assistant's timer intents read the same names here; the one
    intent of Hearth's own is the bare "stop" of a ringing timer, which has no slots."""
    upstream = get_intents("en")
    assert upstream is not None
    text = TimerPlugin().hearth_sentences("en") or ""
    ours = yaml.safe_load(text)["intents"]
    assert set(ours) == set(TimerPlugin().hearth_handlers())
    assert set(ours) - set(upstream["intents"]) == {STOP_RINGING}
    assert ours[STOP_RINGING]["data"] == [{"sentences": ["stop"]}]
    shared = [name for name in ours if name != STOP_RINGING]
    upstream_text = yaml.safe_dump({name: upstream["intents"][name] for name in shared})
    assert SLOT.findall(text) and set(SLOT.findall(text)) <= set(SLOT.findall(upstream_text))


def test_configured_names_are_understood() -> None:
    plugin = TimerPlugin()
    plugin.settings = type(plugin.settings).from_mapping({"names": ["Roast"]})
    assert understand(plugin, "cancel the roast timer").value("name") == "roast"


def test_other_languages_bring_nothing() -> None:
    plugin = TimerPlugin()
    assert plugin.hearth_sentences("fr") is None and plugin.hearth_slot_lists("fr") is None


def test_named_timers_are_in_the_recognisers_vocabulary() -> None:
    """Names are a closed list, not a wildcard, so grammar-mode recognition can hear them."""
    plugin = TimerPlugin()
    intents = Intents.from_dict(yaml.safe_load(plugin.hearth_sentences("en") or ""))
    for list_name, values in (plugin.hearth_slot_lists("en") or {}).items():
        intents.slot_lists[list_name] = TextSlotList.from_strings(list(values), name=list_name)
    templates = compile_templates(intents, "en", spoken_only=True)
    assert all(templates.values()), "every intent has sentences the recogniser is taught"
    vocabulary = sample_vocabulary(templates, 3000)
    assert any("pasta timer" in sentence for sentence in vocabulary)
    assert "how much time is left" in vocabulary
    assert "cancel all timers" in vocabulary
