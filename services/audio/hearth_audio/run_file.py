"""`hearth run-file PATH.wav`: play a WAV through the running stack as a site's microphone would,
and print the events it caused. Exit 0 when an intent was recognised, 1 when not, 2 on error.

With `--no-wake` the file goes straight into one push-to-talk session (as if a talk button were
pressed as it starts) and no wake stream is opened, so recognition is measured apart from the
wake word."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from google.protobuf.message import Message

from hearth import identity, logs, topics
from hearth.bus import Bus, Handler
from hearth.cli.watch import as_json_line, describe
from hearth.settings import CommonSettings, SettingsError, load_settings
from hearth_audio.pipeline import PipelineReport, SitePipeline
from hearth_audio.settings import AudioSettings
from hearth_audio.sources import FileSource
from hearth_audio.wav import AudioFormatError

EXIT_RECOGNIZED, EXIT_NOT_RECOGNIZED, EXIT_ERROR = 0, 1, 2
READY_TIMEOUT_S = 20.0
EVENTS_TIMEOUT_S = 15.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "path", type=Path, help="WAV file (converted to 16 kHz mono 16-bit if needed)"
    )
    parser.add_argument("--site", help="site to play it at (default: audio.site from the config)")
    parser.add_argument("--json", action="store_true", help="print events as JSON lines")
    parser.add_argument(
        "--fast",
        action="store_true",
        help="send audio as fast as the stack accepts instead of in real time",
    )
    parser.add_argument(
        "--no-wake",
        action="store_true",
        help="no wake word: play the file into one push-to-talk session from its start",
    )
    parser.add_argument(
        "--timeout", type=float, default=120.0, help="give up after this many seconds (default 120)"
    )


@dataclass
class Observed:
    """Events seen on the bus for the site, in arrival order."""

    events: list[tuple[str, str, Message]] = field(default_factory=list)
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    def session_done(self, session_id: str, transcribed: bool) -> bool:
        """A session is over for the watcher when its end and, if stt transcribed it, its intent
        arrived.

        Events come from different services over different connections, so the session's end
        (from policy) can arrive before the transcript and intent it followed."""
        kinds = {kind for kind, _, message in self.events if _session_of(message) == session_id}
        if "session.ended" not in kinds:
            return False
        return not transcribed or bool(kinds & {"intent.recognized", "intent.not_recognized"})


def _session_of(message: Message) -> str:
    return message.header.session_id if message.DESCRIPTOR.fields_by_name.get("header") else ""  # type: ignore[attr-defined]


def run(args: argparse.Namespace) -> int:
    try:
        common, audio = load_settings("audio", AudioSettings, args.config)
    except SettingsError as exc:
        print(f"hearth run-file: {exc}", file=sys.stderr)
        return EXIT_ERROR
    site = args.site or audio.site
    audio = audio.model_copy(
        update={"site": site, "source": "file", "file": args.path, "realtime": not args.fast}
    )
    logs.configure("run-file", "warning" if common.log_level != "debug" else "debug")
    try:
        return asyncio.run(
            asyncio.wait_for(
                play(common, audio, as_json=args.json, wake_word=not args.no_wake), args.timeout
            )
        )
    except TimeoutError:
        print(f"hearth run-file: gave up after {args.timeout:.0f} s", file=sys.stderr)
        return EXIT_ERROR


async def play(
    common: CommonSettings,
    audio: AudioSettings,
    *,
    as_json: bool = False,
    quiet: bool = False,
    wake_word: bool = True,
) -> int:
    """Play audio.file at audio.site through the running stack; returns the exit code.

    wake_word False: one push-to-talk session from the file's start, and no wake stream."""
    if audio.site not in common.sites:
        print(
            f"hearth run-file: unknown site {audio.site!r}; configured sites: "
            f"{', '.join(common.sites)}",
            file=sys.stderr,
        )
        return EXIT_ERROR
    assert audio.file is not None
    source = FileSource(
        audio.file,
        audio.chunk_ms,
        realtime=audio.realtime,
        trailing_silence_s=audio.trailing_silence_s,
    )
    try:
        source.load()
    except AudioFormatError as exc:
        print(f"hearth run-file: {exc}", file=sys.stderr)
        return EXIT_ERROR
    try:
        me = identity.resolve(common, topics.ADMIN)
        me.check()
    except identity.IdentityError as exc:
        print(f"hearth run-file: {exc}", file=sys.stderr)
        return EXIT_ERROR
    observed = Observed()
    bus = await _watch(common, me, audio.site, observed, as_json, quiet)
    if bus is None:
        return EXIT_ERROR
    pipeline = SitePipeline(common, audio, source, "run-file", me, wake_word=wake_word)
    try:
        await pipeline.start()
        problem = await pipeline.wait_ready(READY_TIMEOUT_S)
        if problem:
            print(f"hearth run-file: {problem}", file=sys.stderr)
            return EXIT_ERROR
        if not wake_word and await pipeline.push_to_talk():
            return _verdict(observed, pipeline.report, wake_word)
        await pipeline.capture()
        await pipeline.finish(timeout_s=30.0)
        await _wait_for_outcomes(
            observed, [(s.session_id, s.outcome != "ERROR") for s in pipeline.report.sessions]
        )
    finally:
        await pipeline.close()
        await bus.disconnect()
    return _verdict(observed, pipeline.report, wake_word)


async def _watch(
    common: CommonSettings,
    me: identity.Identity,
    site: str,
    observed: Observed,
    as_json: bool,
    quiet: bool,
) -> Bus | None:
    bus = Bus(common.mqtt, "run-file", me, client_id=f"hearth-run-file-{os.getpid()}-{site}")
    for kind in topics.SHOWN:
        if kind.name == "policy.mute":
            continue
        bus.subscribe(
            kind.topic(site),
            kind.message_type,
            _printer(kind.name, observed, as_json, quiet),
            kind.name,
        )
    await bus.connect()
    if not await bus.wait_connected(10.0):
        print(
            f"hearth run-file: broker not reachable at {common.mqtt.host}:{common.mqtt.port}; is "
            "`hearth up` running?",
            file=sys.stderr,
        )
        await bus.disconnect()
        return None
    await asyncio.sleep(0.2)  # let the broker confirm the subscriptions before any audio flows
    return bus


def _printer(kind: str, observed: Observed, as_json: bool, quiet: bool) -> Handler:
    async def handle(topic: str, message: Message) -> None:
        observed.events.append((kind, topic, message))
        observed.changed.set()
        if not quiet:
            print(
                as_json_line(kind, topic, message)
                if as_json
                # The person chose the file and asks what came of it: its words are theirs.
                else describe(kind, message, show_words=True),
                flush=True,
            )

    return handle


async def _wait_for_outcomes(observed: Observed, sessions: list[tuple[str, bool]]) -> None:
    """Every session ends in a session.ended and, when stt returned a transcript, an intent
    event."""
    deadline = time.monotonic() + EVENTS_TIMEOUT_S
    while not all(observed.session_done(sid, transcribed) for sid, transcribed in sessions):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return
        observed.changed.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(observed.changed.wait(), remaining)


def _verdict(observed: Observed, report: PipelineReport, wake_word: bool) -> int:
    kinds = [kind for kind, _, _ in observed.events]
    if "intent.recognized" in kinds:
        return EXIT_RECOGNIZED
    if wake_word and not report.detections:
        print("hearth run-file: no wake word heard in the file", file=sys.stderr)
    elif report.refusals and not report.sessions:
        print(f"hearth run-file: session refused: {report.refusals[-1]}", file=sys.stderr)
    return EXIT_NOT_RECOGNIZED
