"""`hearth say SITE "text"`: speak at a site, for people and their automations.

It publishes a say request as the owner (the broker lets people's tools send them) and waits for
the site's audio service to say how it went (tts/<site>/finished, matched by the request's
say_id): played, interrupted, failed (and why), or no output device at that site.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from hearth import identity, speech, topics
from hearth.bus import Bus
from hearth.cli.watch import speech_outcome
from hearth.service import ServiceSection
from hearth.settings import CommonSettings, SettingsError, load_settings
from hearth.v1 import events_pb2

WAIT_S = 30.0
"""How long to wait for the site's audio service, by default: synthesis and a long sentence."""
BAD_INPUT = 2
NOT_SAID = 1

Outcome = events_pb2.SpeechFinished


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("site", help="the site (room) to speak at")
    parser.add_argument("text", help=f"what to say (at most {speech.MAX_SAY_CHARS} characters)")
    parser.add_argument("--voice", default="", help="a voice name (default: the tts default)")
    parser.add_argument("--chime", action="store_true", help="play the chime first")
    parser.add_argument(
        "--timeout",
        type=float,
        default=WAIT_S,
        help=f"how long to wait for the site to say it (default {WAIT_S:g} s)",
    )
    parser.add_argument(
        "--no-wait", action="store_true", help="return once the broker has the request"
    )


def run(args: argparse.Namespace) -> int:
    try:
        common, _ = load_settings(None, ServiceSection, args.config)
    except SettingsError as exc:
        return _fail(str(exc), BAD_INPUT)
    problem = speech.refusal(args.site, args.text, common.sites)
    if problem:
        return _fail(problem, BAD_INPUT)
    owner = identity.resolve(common, topics.ADMIN)
    try:
        owner.check()
    except identity.IdentityError as exc:
        return _fail(str(exc), BAD_INPUT)
    return asyncio.run(_say(common, owner, args))


async def _say(common: CommonSettings, owner: identity.Identity, args: argparse.Namespace) -> int:
    request = speech.say_request(
        topics.ADMIN,
        args.site,
        args.text,
        purpose="announcement",
        chime=args.chime,
        voice=args.voice,
    )
    finished: asyncio.Future[events_pb2.SpeechFinished] = asyncio.get_running_loop().create_future()

    async def on_finished(topic: str, message: events_pb2.SpeechFinished) -> None:
        if message.say_id == request.say_id and not finished.done():
            finished.set_result(message)

    bus = Bus(common.mqtt, "say", owner)
    if not args.no_wait:
        bus.subscribe(
            topics.SPEECH_FINISHED.topic(args.site),
            events_pb2.SpeechFinished,
            on_finished,
            "speech_finished",
        )
    await bus.connect()
    try:
        if not await bus.wait_connected(common.rpc_timeout_s):
            broker = f"{common.mqtt.host}:{common.mqtt.port}"
            return _fail(f"cannot reach the broker at {broker}", NOT_SAID)
        sent = await bus.publish_acknowledged(
            topics.SAY.topic(args.site), request, common.rpc_timeout_s
        )
        if not sent:
            return _fail("the broker did not take the request", NOT_SAID)
        if args.no_wait:
            print(f"sent to {args.site} (say_id {request.say_id})")
            return 0
        try:
            outcome = await asyncio.wait_for(finished, args.timeout)
        except TimeoutError:
            return _fail(
                f"no audio service answered for {args.site} within {args.timeout:g} s",
                NOT_SAID,
            )
        return _report(outcome, args.site)
    finally:
        await bus.disconnect()


def _report(outcome: events_pb2.SpeechFinished, site: str) -> int:
    """One line saying how it went; 0 when it was heard (to its end, or until interrupted)."""
    if outcome.outcome == Outcome.OUTCOME_PLAYED:
        print(f"played at {site} in {outcome.played_s:.1f} s")
        return 0
    described = speech_outcome(outcome)
    if outcome.outcome == Outcome.OUTCOME_INTERRUPTED:
        print(f"{described} at {site}")
        return 0
    if outcome.outcome == Outcome.OUTCOME_NO_OUTPUT:
        return _fail(f"{described} at {site}", NOT_SAID)
    return _fail(described, NOT_SAID)


def _fail(message: str, code: int) -> int:
    print(f"hearth say: {message}", file=sys.stderr)
    return code
