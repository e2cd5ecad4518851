"""Built-in plugin `privacy`: the privacy commands spoken to Hearth, carried out by policy (the
only holder of what is kept) through the privacy operations a handler is given.

"Stop listening" mutes the site that heard it. There is no spoken "start listening": a muted
site's microphone is closed, so it could not hear one; unmuting is for the CLI, MQTT or a button.
This plugin cannot be disabled. Its answers are spoken: each says what was done, in words.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from hearth import privacy
from hearth.plugins import Handler, IntentContext, PrivacyUnavailable, Response, hookimpl

NO_ROOM = "Privacy commands need to know which room they are for."
NOT_REACHED = "I could not reach the privacy service, so nothing was changed."


@hookimpl
def hearth_sentences(language: str) -> str | None:
    path = Path(__file__).with_name(f"privacy_{language}.yaml")
    return path.read_text(encoding="utf-8") if path.is_file() else None


@hookimpl
def hearth_handlers() -> Mapping[str, Handler]:
    return {
        privacy.STOP_LISTENING: stop_listening,
        privacy.FORGET_LAST: forget_last,
        privacy.FORGET_TODAY: forget_today,
        privacy.WHAT_DID_YOU_HEAR: what_did_you_hear,
    }


async def stop_listening(context: IntentContext) -> Response:
    if not context.site:
        return Response(NO_ROOM)
    try:
        await context.privacy.mute_site()
    except PrivacyUnavailable:
        return Response(
            "I could not mute this room, so I am still listening. Please use the mute button."
        )
    return Response(
        "Okay, I stopped listening in this room: its microphone is off. "
        "To unmute it, use the app or the hearth unmute command."
    )


async def forget_last(context: IntentContext) -> Response:
    if not context.site:
        return Response(NO_ROOM)
    try:
        deleted = await context.privacy.forget_last_session()
    except PrivacyUnavailable:
        return Response(NOT_REACHED)
    if not deleted:
        return Response("There was nothing to delete: I kept nothing from your last command.")
    return Response("I deleted your last command in this room.")


async def forget_today(context: IntentContext) -> Response:
    if not context.site:
        return Response(NO_ROOM)
    midnight = context.now.replace(hour=0, minute=0, second=0, microsecond=0)
    try:
        deleted, sessions = await context.privacy.forget_since(midnight)
    except PrivacyUnavailable:
        return Response(NOT_REACHED)
    if not deleted:
        return Response("There was nothing from today to delete in this room.")
    commands = "1 command" if sessions == 1 else f"{sessions} commands"
    return Response(f"I deleted everything you said in this room today: {commands}.")


async def what_did_you_hear(context: IntentContext) -> Response:
    if not context.site:
        return Response(NO_ROOM)
    try:
        text = await context.privacy.last_transcript()
    except PrivacyUnavailable:
        return Response(NOT_REACHED)
    if text is None:
        return Response("I am not keeping anything you said in this room.")
    return Response(f"The last thing I heard in this room was: {text}.")
