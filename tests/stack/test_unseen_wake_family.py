"""People whose voices come from synthesizers the shipped wake model never trained on say "hey
hestia" and a command, in their own voice from start to finish, through the real stack.

The shipped model was trained on espeak-ng alone (recipe 2; docs/wake-word.md says why recipe 3's
multi-family model does not ship yet). Piper's neural voice, Festival's diphones and Flite's
clustergen voices, each built from recordings of real speakers, are families it never heard.
Each speaker says "hey hestia", pauses, and says a command; the file is played with `hearth
run-file` against the default stack (the shipped wake model checked by Whisper, `wake.verify:
auto`; Whisper for commands). The results are gathered once per family and checked by three
tests: how many wake Hearth and are understood (the target is 90 %; a family below it is a strict
expected failure with the measured figure), that none becomes a different action, and that
sound-alikes of the phrase by the same speakers never wake it (the first stage runs far more
sensitively with the check, so this is the check's test too). The same default stack, Whisper
loaded twice, must also fit the memory target.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest

from hearth.topology import STACK
from tests.speech import one_voice_woken_wav, write_wav
from tests.support import Stack, events_of, process_memory_mb, stack_config, start_stack

pytestmark = pytest.mark.stack

COMMANDS: tuple[tuple[str, str, list[dict[str, str]]], ...] = (
    (
        "turn off the bedroom light",
        "HassTurnOff",
        [{"name": "bedroom light"}, {"area": "bedroom", "domain": "light"}],
    ),
    ("turn on the office fan", "HassTurnOn", [{"name": "office fan"}]),
    ("what time is it", "HassGetCurrentTime", [{}]),
)
SPEAKERS_PER_FAMILY = 2
TARGET_SHARE = 0.9
"""The wake-word issue's target: 90 % of an unseen family's commands woken (and understood)."""
MEASURED = {"piper": "6/6", "festival": "6/6", "flite": "3/6"}
"""Woken and understood with the shipped model and the Whisper check, measured (2026-12-01, the
first stage at logit -4 and the check's local comparison; 2026-11-30 at logit 0, the same; without
the check: 0/6 each). A family below the target is a strict expected failure, which
turns into a failure the day it reaches the target, so that this is updated."""
BELOW_TARGET = {"flite"}
SOUND_ALIKES = ("hey siesta, turn on the office fan", "hey celestia, what time is it")
MEMORY_BUDGET_MB = 1536
"""The recognition issue's target: the whole stack in 1.5 GB (GiB, as compose's memory limits
count) with Whisper base loaded: stt's, and the wake service's for its check."""


def speakers(family: str) -> list[Any]:
    """Pseudo-speakers of ``family``; Flite's are its own named speakers (awb and slt)."""
    from hearth_voices import base_voice, sample_voices

    if family != "flite":
        return sample_voices(family, SPEAKERS_PER_FAMILY, seed=21)
    voice = base_voice("flite")
    return [
        replace(voice, name=f"flite-{name}", settings=replace(voice.settings, voice=name))
        for name in ("awb", "slt")[:SPEAKERS_PER_FAMILY]
    ]


@dataclass
class Heard:
    """What the stack did with one spoken command."""

    speaker: str
    text: str
    woken: bool
    understood: bool
    wrong_action: str | None


@pytest.fixture(scope="module")
def default_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """The default English stack: the shipped wake model and Whisper."""
    tmp = tmp_path_factory.mktemp("stack-unseen-family")
    stack = start_stack(tmp, stack_config(tmp, stt={"language": "en"}))
    yield stack
    stack.stop()


def _events(stack: Stack, wav: Path) -> dict[str, dict[str, Any]]:
    result = stack.run_file(wav, "--site", "kitchen", "--fast")
    assert result.returncode in (0, 1), result.stdout + result.stderr
    return {event["event"]: event for event in events_of(result)}


_heard: dict[str, list[Heard]] = {}


def heard_by(family: str, stack: Stack, directory: Path) -> list[Heard]:
    """Every command of COMMANDS by every speaker of ``family``, played once per test run."""
    if family not in _heard:
        results = []
        for voice in speakers(family):
            for number, (text, intent, slots) in enumerate(COMMANDS):
                wav = one_voice_woken_wav(text, directory / f"{voice.name}-{number}.wav", voice)
                events = _events(stack, wav)
                recognized = events.get("intent.recognized")
                right = recognized is not None and (
                    recognized["intent"] == intent
                    and any(
                        all(recognized["slots"].get(k) == v for k, v in option.items())
                        for option in slots
                    )
                )
                wrong = None if recognized is None or right else str(recognized)
                results.append(Heard(voice.name, text, "wake.detected" in events, right, wrong))
        _heard[family] = results
    return _heard[family]


@pytest.mark.parametrize(
    "family",
    [
        pytest.param(
            family,
            marks=pytest.mark.xfail(
                strict=True,
                reason=f"measured: {figure} woken and understood; the shipped model was trained "
                "on espeak-ng alone, and even at its checked threshold (logit -3.87) its first "
                "stage never fires on the slt speaker's phrase, so the check never hears it "
                "(docs/wake-word.md)",
            ),
        )
        if family in BELOW_TARGET
        else family
        for family, figure in MEASURED.items()
    ],
)
def test_an_unseen_family_wakes_hearth_and_is_understood(
    default_stack: Stack, tmp_path_factory: pytest.TempPathFactory, family: str
) -> None:
    heard = heard_by(family, default_stack, tmp_path_factory.mktemp(family))
    understood = sum(h.woken and h.understood for h in heard)
    print(
        f"\n{family}: woken {sum(h.woken for h in heard)}, understood {understood} of {len(heard)}"
    )
    assert understood >= TARGET_SHARE * len(heard), [h for h in heard if not h.understood]


@pytest.mark.parametrize("family", sorted(MEASURED))
def test_an_unseen_family_is_never_turned_into_a_different_action(
    default_stack: Stack, tmp_path_factory: pytest.TempPathFactory, family: str
) -> None:
    heard = heard_by(family, default_stack, tmp_path_factory.mktemp(family))
    assert [h for h in heard if h.wrong_action] == []


@pytest.mark.parametrize("family", sorted(MEASURED))
def test_sound_alikes_in_an_unseen_voice_do_not_wake_hearth(
    default_stack: Stack, tmp_path: Path, family: str
) -> None:
    from hearth_voices import speak

    voice = speakers(family)[0]
    for number, text in enumerate(SOUND_ALIKES):
        wav = write_wav(tmp_path / f"{number}.wav", speak(text, voice))
        assert "wake.detected" not in _events(default_stack, wav), (
            f"{voice.name} saying {text!r} woke Hearth"
        )


def test_the_default_stack_checks_detections_with_whisper(
    default_stack: Stack, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """What makes the families above wake Hearth: `wake.verify: auto` chose the Whisper check, and
    the Piper commands were confirmed by it (the first stage alone is not sure of that voice)."""
    default_stack.wait_for_log(r"wake engine embedding loaded .* verifier: whisper \(auto\)")
    heard_by("piper", default_stack, tmp_path_factory.mktemp("piper"))
    assert default_stack.metric("wake", "hearth_wake_verifier_outcomes_total", outcome="confirmed")


def test_the_default_stack_fits_in_its_memory_budget(
    default_stack: Stack, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Every service and the broker, resident once the stack has heard a family's commands (Whisper
    has checked wake words and decoded commands), add up to no more than the budget. Loading the
    models passes through higher peaks, which the message reports (docs/benchmarks.md)."""
    heard_by("piper", default_stack, tmp_path_factory.mktemp("piper"))
    pids = {spec.name: default_stack.service_pid(spec.name) for spec in STACK}
    pids["broker"] = default_stack.broker_pid()
    memory = {name: process_memory_mb(pid) for name, pid in pids.items()}
    resident = sum(now for now, _ in memory.values())
    figures = ", ".join(
        f"{name} {now:.0f} MB (peak {peak:.0f})" for name, (now, peak) in memory.items()
    )
    assert resident <= MEMORY_BUDGET_MB, f"{resident:.0f} MB resident: {figures}"
