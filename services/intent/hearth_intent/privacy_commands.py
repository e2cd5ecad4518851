"""The privacy commands spoken to Hearth, carried out by policy (the only holder of what is kept).

"Stop listening" mutes the site that heard it. There is no spoken "start listening": a muted
site's microphone is closed, so it could not hear one; unmuting is for the CLI, MQTT or a button.
"""

from __future__ import annotations

import logging
from datetime import datetime

import grpc

from hearth import events, metrics, privacy
from hearth.v1 import policy_pb2, policy_pb2_grpc

log = logging.getLogger(__name__)


class PrivacyCommands:
    def __init__(self, policy: policy_pb2_grpc.PolicyStub, rpc_timeout_s: float) -> None:
        self.policy = policy
        self.timeout = rpc_timeout_s

    async def handle(self, intent: str, site: str, session_id: str) -> str:
        """Carry out the command and return what to say; a failure is said, not hidden."""
        if not site:
            return "Privacy commands need to know which room they are for."
        try:
            if intent == privacy.STOP_LISTENING:
                return await self._stop_listening(site, session_id)
            if intent == privacy.FORGET_LAST:
                return await self._forget_last(site, session_id)
            if intent == privacy.FORGET_TODAY:
                return await self._forget_today(site, session_id)
            if intent == privacy.WHAT_DID_YOU_HEAR:
                return await self._what_did_you_hear(site, session_id)
        except grpc.aio.AioRpcError as exc:
            log.error(
                "privacy command %s for site %s failed: policy said %s",
                intent,
                site,
                exc.code().name,
            )
            metrics.ERRORS.labels("intent", "privacy_command_failed").inc()
            if intent == privacy.STOP_LISTENING:
                return "I could not mute this room. Please use the mute button."
            return "I could not reach the privacy service, so nothing was changed."
        raise ValueError(f"not a privacy command: {intent}")

    async def _stop_listening(self, site: str, session_id: str) -> str:
        await self.policy.SetMute(
            policy_pb2.SetMuteRequest(site=site, muted=True, spoken_in_session=session_id),
            timeout=self.timeout,
        )
        return (
            "Okay, I have stopped listening in this room. "
            "Unmute me with the app or the hearth unmute command."
        )

    async def _forget_last(self, site: str, session_id: str) -> str:
        reply = await self.policy.Forget(
            policy_pb2.ForgetRequest(
                site=site,
                last_session=True,
                exclude_session_id=session_id,
                spoken_in_session=session_id,
            ),
            timeout=self.timeout,
        )
        return "Deleted what you just said." if reply.deleted else "There was nothing to delete."

    async def _forget_today(self, site: str, session_id: str) -> str:
        midnight = datetime.now().astimezone().replace(hour=0, minute=0, second=0, microsecond=0)
        reply = await self.policy.Forget(
            policy_pb2.ForgetRequest(
                site=site,
                range=policy_pb2.TimeRange(
                    since=events.timestamp_from_seconds(midnight.timestamp())
                ),
                spoken_in_session=session_id,
            ),
            timeout=self.timeout,
        )
        if not reply.deleted:
            return "There was nothing from today to delete."
        commands = "command" if reply.sessions == 1 else "commands"
        return f"Deleted everything from today in this room: {reply.sessions} {commands}."

    async def _what_did_you_hear(self, site: str, session_id: str) -> str:
        reply = await self.policy.LastTranscript(
            policy_pb2.LastTranscriptRequest(
                site=site, exclude_session_id=session_id, spoken_in_session=session_id
            ),
            timeout=self.timeout,
        )
        if not reply.found:
            return "I am not keeping anything you said in this room."
        return f'I heard: "{reply.text}".'
