"""One session's stream to speech-to-text: the token first, then pre-roll, then live audio, until
stt hears the end of the utterance or the session's maximum length is reached. Then policy is
told."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass

import grpc

from hearth import pcm
from hearth.v1 import common_pb2, policy_pb2, policy_pb2_grpc, stt_pb2, stt_pb2_grpc
from hearth_audio import audio_metrics

log = logging.getLogger(__name__)

FINAL_GRACE_S = 10.0
"""How long after the audio ends stt may take to return the final transcript."""
_STOP = b""


@dataclass(frozen=True)
class SessionResult:
    session_id: str
    outcome: str  # a SessionEnded.Outcome name without the prefix
    text: str
    audio_s: float
    detail: str = ""


class SttSession:
    def __init__(
        self,
        stt: stt_pb2_grpc.SttStub,
        policy: policy_pb2_grpc.PolicyStub,
        site: str,
        grant: policy_pb2.SessionGrant,
        trace_id: str,
        backlog: bytes,
        chunk_bytes: int,
        rpc_timeout_s: float,
        lead_in_s: float = 0.0,
    ) -> None:
        """lead_in_s: how much of the backlog is from before the wake word was detected (the
        pre-roll), so stt does not take the pause after the wake phrase for the command's end."""
        self.stt = stt
        self.policy = policy
        self.site = site
        self.grant = grant
        self.trace_id = trace_id
        self.backlog = backlog
        self.lead_in_s = lead_in_s
        self.chunk_bytes = chunk_bytes
        self.rpc_timeout_s = rpc_timeout_s
        self.max_bytes = int(grant.max_length_s * pcm.BYTES_PER_SECOND)
        self.sent_bytes = 0
        self.reached_max = False
        self.cancel_reason = ""
        self.clip: list[bytes] | None = [] if grant.keep_audio else None
        """The session's audio, kept only when the owner opted in (policy says so in the grant)."""
        self._live: asyncio.Queue[bytes] = asyncio.Queue()

    def feed(self, chunk: bytes) -> None:
        """Live audio captured while the session is open."""
        self._live.put_nowait(chunk)

    def cancel(self, reason: str) -> None:
        """Capture stopped (mute, lease lost): end the audio now."""
        self.cancel_reason = reason
        self._live.put_nowait(_STOP)

    def end_audio(self) -> None:
        """The source ended (a file played out): stt gets what is queued, then the end."""
        self._live.put_nowait(_STOP)

    async def run(self) -> SessionResult:
        result = await self._transcribe()
        audio_metrics.SESSIONS.labels(self.site, result.outcome.lower()).inc()
        await self._report(result)
        if self.clip:
            await self._keep_clip(b"".join(self.clip))
        return result

    async def _transcribe(self) -> SessionResult:
        session_id = self.grant.session_id
        call = self.stt.Transcribe(self._requests())
        try:
            async with asyncio.timeout(self.grant.max_length_s + FINAL_GRACE_S):
                async for response in call:
                    if response.HasField("final"):
                        return SessionResult(
                            session_id,
                            self._outcome(response.final),
                            response.final.text,
                            response.final.audio_s,
                        )
            return SessionResult(
                session_id,
                "ERROR",
                "",
                pcm.seconds(self.sent_bytes),
                "stt ended without a transcript",
            )
        except grpc.aio.AioRpcError as exc:
            log.warning(
                "stt refused or failed the session on site %s: %s (%s)",
                self.site,
                exc.details(),
                exc.code().name,
            )
            return SessionResult(
                session_id, "ERROR", "", pcm.seconds(self.sent_bytes), f"stt: {exc.code().name}"
            )
        except TimeoutError:
            log.warning("stt gave no transcript in time for site %s", self.site)
            return SessionResult(
                session_id, "ERROR", "", pcm.seconds(self.sent_bytes), "stt timed out"
            )
        finally:
            call.cancel()

    def _outcome(self, final: stt_pb2.FinalTranscript) -> str:
        if final.end_of_speech:
            return "END_OF_SPEECH"
        return "MAX_LENGTH" if self.reached_max else "CANCELLED"

    async def _requests(self) -> AsyncIterator[stt_pb2.TranscribeRequest]:
        fmt = common_pb2.AudioFormat(
            sample_rate=pcm.SAMPLE_RATE, sample_width=pcm.SAMPLE_WIDTH, channels=pcm.CHANNELS
        )
        yield stt_pb2.TranscribeRequest(
            start=stt_pb2.TranscribeStart(
                session_token=self.grant.token,
                site=self.site,
                format=fmt,
                trace_id=self.trace_id,
                lead_in_s=self.lead_in_s,
            )
        )
        for offset in range(0, len(self.backlog), self.chunk_bytes):
            request = self._audio(self.backlog[offset : offset + self.chunk_bytes])
            if request is None:
                break
            yield request
        self.backlog = b""
        while not self.reached_max:
            chunk = await self._live.get()
            if chunk == _STOP:
                break
            request = self._audio(chunk)
            if request is None:
                break
            yield request
        yield stt_pb2.TranscribeRequest(end=stt_pb2.AudioEnd())

    def _audio(self, chunk: bytes) -> stt_pb2.TranscribeRequest | None:
        """Audio up to the session's maximum length and not a byte more."""
        room = self.max_bytes - self.sent_bytes
        if room <= 0:
            self.reached_max = True
            return None
        chunk = chunk[:room]
        self.sent_bytes += len(chunk)
        if self.clip is not None:
            self.clip.append(chunk)
        if self.sent_bytes >= self.max_bytes:
            self.reached_max = True
        return stt_pb2.TranscribeRequest(audio=common_pb2.AudioChunk(pcm=chunk))

    async def _report(self, result: SessionResult) -> None:
        try:
            await self.policy.EndSession(
                policy_pb2.SessionEndRequest(
                    session_id=result.session_id,
                    site=self.site,
                    outcome=result.outcome,
                    audio_s=result.audio_s,
                    detail=result.detail or self.cancel_reason,
                    trace_id=self.trace_id,
                ),
                timeout=self.rpc_timeout_s,
            )
        except grpc.aio.AioRpcError as exc:
            log.warning(
                "could not tell policy that the session on site %s ended: %s",
                self.site,
                exc.code().name,
            )

    async def _keep_clip(self, audio: bytes) -> None:
        """Hand the session's audio to policy, which stores it with its expiry (gRPC, never the
        broker)."""
        try:
            reply = await self.policy.KeepClip(
                policy_pb2.KeepClipRequest(
                    session_id=self.grant.session_id,
                    site=self.site,
                    token=self.grant.token,
                    pcm=audio,
                ),
                timeout=self.rpc_timeout_s,
            )
        except grpc.aio.AioRpcError as exc:
            log.warning(
                "could not hand the audio clip of a session on site %s to policy: %s",
                self.site,
                exc.code().name,
            )
            return
        if not reply.kept:
            log.warning(
                "policy did not keep the audio clip of a session on site %s: %s",
                self.site,
                reply.reason,
            )
