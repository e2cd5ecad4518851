"""One site's audio path: capture (only under a live lease) → wake stream → on detection, a session
authorised by policy → pre-roll plus live audio to stt.

A session may also open without a wake word (push-to-talk): when a talk button is pressed
(`push_to_talk`, which asks policy like a detection does) or when policy sends a session it
granted for the site (`hearth listen`). Such a session starts with the audio captured from then
on: pre-roll is the audio just before a wake word, and there is none to include.

While the site speaks an answer, what it plays is streamed to wake as a reference, so the site's
own voice saying the wake phrase is told from a person's wake word (echo_guard.py): the first is
ignored, the second stops the answer (barge-in) and opens a session. After an answer that continues
the conversation, the site asks policy for a follow-up session and listens without a wake word.

The same pipeline serves a microphone in the audio service and a WAV file in `hearth run-file`,
so the command-line tool exercises exactly what a site does.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

import grpc

from hearth import events, pcm, rpc
from hearth.identity import Identity
from hearth.settings import CommonSettings
from hearth.v1 import (
    common_pb2,
    events_pb2,
    policy_pb2,
    policy_pb2_grpc,
    stt_pb2_grpc,
    wake_pb2,
    wake_pb2_grpc,
)
from hearth_audio import audio_metrics
from hearth_audio.capture_gate import CaptureGate
from hearth_audio.echo_guard import EchoGuard, Verdict
from hearth_audio.follow_up import SilenceWatch
from hearth_audio.preroll import AudioRing
from hearth_audio.settings import AudioSettings
from hearth_audio.sources import AudioSource, SourceError
from hearth_audio.stt_session import SessionResult, SttSession
from hearth_audio.wake_link import WakeLink

log = logging.getLogger(__name__)

SOURCE_BACKOFF_MAX_S = 60.0
RING_SECONDS = 15.0
"""Audio kept for pre-roll and for what arrives while policy is asked; never sent unless a
session opens."""


POLICY_UNREACHABLE = "policy unreachable"
"""How a refusal that policy did not give begins (the report and the follow-up metric tell them
apart)."""
REFERENCE_FLUSH_S = 0.5
"""Silence sent on the reference stream after each answer, so its last words have left the
detector's window when the next answer starts."""
REPORT_LENGTH = 100
"""The report keeps the latest events only: a microphone pipeline runs for months."""


@dataclass
class PipelineReport:
    """What happened lately, for `hearth run-file` and tests."""

    detections: deque[wake_pb2.Detection] = field(
        default_factory=lambda: deque(maxlen=REPORT_LENGTH)
    )
    refusals: deque[str] = field(default_factory=lambda: deque(maxlen=REPORT_LENGTH))
    sessions: deque[SessionResult] = field(default_factory=lambda: deque(maxlen=REPORT_LENGTH))


class SitePipeline:
    def __init__(
        self,
        common: CommonSettings,
        settings: AudioSettings,
        source: AudioSource,
        client_name: str,
        identity: Identity,
        *,
        wake_word: bool = True,
        stop_speaking: Callable[[], bool] | None = None,
    ) -> None:
        """wake_word False: no wake stream at all; sessions open only by push-to-talk
        (`hearth run-file --no-wake`). stop_speaking: the site plays answers (the pipeline is
        then their PlaybackListener); it stops the one playing, False when none was."""
        self.common = common
        self.settings = settings
        self.site = settings.site
        self.source = source
        self.ring = AudioRing(RING_SECONDS)
        self.report = PipelineReport()
        self.session: SttSession | None = None
        self.session_task: asyncio.Task[SessionResult] | None = None
        self.source_ended = asyncio.Event()
        self.wake_word = wake_word
        limit = common.grpc_max_message_bytes
        self._channels = [
            rpc.open_channel(address, limit, identity)
            for address in (common.endpoints.wake, common.endpoints.stt, common.endpoints.policy)
        ]
        wake_channel, stt_channel, policy_channel = self._channels
        self.policy = policy_pb2_grpc.PolicyStub(policy_channel)
        self.stt = stt_pb2_grpc.SttStub(stt_channel)
        self.gate = CaptureGate(
            self.policy,
            self.site,
            client_name,
            settings.retry_s,
            self._on_revoked,
            self._on_session_granted,
        )
        backpressure = settings.source == "file" and not settings.realtime
        self.wake = WakeLink(
            wake_pb2_grpc.WakeStub(wake_channel),
            self.site,
            settings.retry_s,
            self._on_detection,
            backpressure,
        )
        self.stop_speaking = stop_speaking
        self.echo: EchoGuard | None = None
        self.reference: WakeLink | None = None
        if wake_word and stop_speaking is not None:
            self.echo = EchoGuard()
            self.reference = WakeLink(
                wake_pb2_grpc.WakeStub(wake_channel),
                self.site,
                settings.retry_s,
                self._on_reference_detection,
                backpressure=False,
                reference=True,
            )
        self.silence_watch: SilenceWatch | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._source_backoff = 0.0
        self._captured_seconds = audio_metrics.CAPTURED_SECONDS.labels(self.site)

    async def start(self) -> None:
        self._tasks = [asyncio.create_task(self.gate.run())]
        if self.wake_word:
            self._tasks.append(asyncio.create_task(self.wake.run()))
        if self.reference is not None:
            self._tasks.append(asyncio.create_task(self.reference.run()))

    async def wait_ready(self, timeout_s: float) -> str | None:
        """None when capture is granted and wake is listening; else what is still missing."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout_s):
                await self.gate.wait_allowed()
                if self.wake_word:
                    await self.wake.ready.wait()
                return None
        if not self.gate.allowed:
            return f"capture not granted: {self.gate.reason}"
        problem = self.wake.last_error or "no answer"
        return f"wake service not reachable at {self.common.endpoints.wake}: {problem}"

    async def capture(self) -> None:
        """Capture until the source ends for good; pauses while capture is not granted.

        An unexpected error must not end capture for good (nor leave the device open): it is
        logged, counted, and capture starts over after the retry delay."""
        while True:
            try:
                await self._capture_until_ended()
                return
            except Exception:
                log.exception("site %s: capture failed; restarting it", self.site)
                audio_metrics.CAPTURE_FAILURES.labels(self.site).inc()
                await self.source.close()
                await asyncio.sleep(self.settings.retry_s)

    async def _capture_until_ended(self) -> None:
        while True:
            await self.gate.wait_allowed()
            try:
                await self.source.open()
            except SourceError as exc:
                await self._source_failed(exc)
                continue
            audio_metrics.CAPTURING.labels(self.site).set(1)
            try:
                ended = await self._read_while_allowed()
            finally:
                audio_metrics.CAPTURING.labels(self.site).set(0)
                await self.source.close()
            if ended:
                self.source_ended.set()
                return

    async def _read_while_allowed(self) -> bool:
        """True when the source ended; False when capture was revoked or the source failed."""
        while self.gate.allowed:
            try:
                chunk = await self.source.read()
            except SourceError as exc:
                if self.gate.allowed:
                    await self._source_failed(exc)
                return False
            if chunk is None:
                return True
            self._source_backoff = 0.0
            if not self.gate.allowed:
                return False  # captured after the lease ended: drop it
            await self._handle_chunk(chunk)
        return False

    async def _source_failed(self, exc: SourceError) -> None:
        """A missing or failing microphone is retried with backoff (retry_s doubling to a
        minute), so an unplugged device gives a log line now and then, not a stream of them."""
        self._source_backoff = min(
            SOURCE_BACKOFF_MAX_S, max(self.settings.retry_s, self._source_backoff * 2)
        )
        log.error("site %s: %s; retrying in %.0f s", self.site, exc, self._source_backoff)
        audio_metrics.SOURCE_FAILURES.labels(self.site).inc()
        await asyncio.sleep(self._source_backoff)

    async def _handle_chunk(self, chunk: bytes) -> None:
        self._captured_seconds.inc(pcm.seconds(len(chunk)))
        offset = self.ring.end_sample
        self.ring.append(chunk)
        if self.session is not None:
            self.session.feed(chunk)
            if self.silence_watch is not None and self.silence_watch.timed_out(chunk):
                log.info("site %s: nobody spoke after the answer; follow-up ended", self.site)
                self.session.cancel("nobody spoke after the answer")
                self.silence_watch = None
        if self.wake_word:
            await self.wake.offer(chunk, offset)

    async def _on_revoked(self, reason: str) -> None:
        """Mute or a lost lease: close the device now, forget buffered audio, end any session."""
        await self.source.close()
        # Before the gate reports the mute, so no scrape sees both at 1.
        audio_metrics.CAPTURING.labels(self.site).set(0)
        self.ring.clear()
        if self.session is not None:
            self.session.cancel(reason)

    async def _on_detection(self, detection: wake_pb2.Detection, ring_offset: int) -> None:
        heard_at = time.monotonic()
        self.report.detections.append(detection)
        if self.session is not None:
            return  # already in a session; one command at a time
        if self.echo is not None and not await self._a_person_spoke(heard_at):
            return
        if self.session is not None:
            return  # a session opened while the echo guard waited
        log.info(
            "site %s: wake word %r (score %.2f)", self.site, detection.wake_word, detection.score
        )
        try:
            grant = await self.policy.RequestSession(
                policy_pb2.SessionRequest(
                    site=self.site,
                    wake_word=detection.wake_word,
                    score=detection.score,
                    level_dbfs=detection.level_dbfs,
                    detected_at=detection.detected_at,
                    trace_id=detection.trace_id,
                ),
                timeout=self.common.rpc_timeout_s,
            )
        except grpc.aio.AioRpcError as exc:
            log.warning(
                "site %s: policy did not answer the session request (%s)",
                self.site,
                exc.code().name,
            )
            self.report.refusals.append(f"policy unreachable: {exc.code().name}")
            return
        if not grant.granted:
            log.info("site %s: session refused: %s", self.site, grant.reason)
            self.report.refusals.append(grant.reason)
            return
        preroll_s = min(self.settings.preroll_s, grant.preroll_s)
        start = max(ring_offset - int(preroll_s * pcm.SAMPLE_RATE), self.ring.start_sample)
        # Backlog and live feed are taken together, with no await between, so no chunk is lost or
        # doubled.
        lead_in_s = max(0, ring_offset - start) / pcm.SAMPLE_RATE
        self._open_session(grant, detection.trace_id, self.ring.since(start), lead_in_s)

    async def _a_person_spoke(self, heard_at: float) -> bool:
        """False when the detection was the site's own answer heard by its microphone; on a
        person's wake word over an answer (barge-in), the answer stops."""
        assert self.echo is not None and self.stop_speaking is not None
        verdict = await self.echo.judge(heard_at)
        if verdict is Verdict.OWN_VOICE:
            log.info(
                "site %s: the wake word was in the site's own answer (the reference stream heard "
                "it %.2f s before); ignored",
                self.site,
                self.echo.window.reference_lead(heard_at),
            )
            audio_metrics.SELF_WAKES_SUPPRESSED.labels(self.site).inc()
            return False
        if verdict is Verdict.BARGE_IN and self.stop_speaking():
            log.info("site %s: wake word spoken over the answer; it stops (barge-in)", self.site)
            audio_metrics.BARGE_INS.labels(self.site).inc()
        return True

    async def _on_reference_detection(self, detection: wake_pb2.Detection, _offset: int) -> None:
        assert self.echo is not None
        self.echo.reference_detected()

    # What the speaker tells the pipeline (hearth_audio.speaker.PlaybackListener).

    def playback_started(self) -> None:
        if self.echo is not None:
            self.echo.playback_started()

    async def playback_heard(self, pcm16k: bytes) -> None:
        if self.reference is not None:
            await self.reference.offer(pcm16k, 0)

    async def playback_ended(self) -> None:
        if self.echo is None or self.reference is None:
            return
        self.echo.playback_ended()
        silence = bytes(int(REFERENCE_FLUSH_S * pcm.SAMPLE_RATE) * pcm.SAMPLE_WIDTH)
        await self.reference.offer(silence, 0)

    async def follow_up(self, say: events_pb2.SayRequest) -> None:
        """After an answer that continues the conversation: listen without a wake word, if policy
        grants it (only after a session whose intent asked to continue, once, never when muted)."""
        outcome = await self._session_without_wake_word(
            policy_pb2.SessionRequest(
                site=self.site,
                trigger=common_pb2.TRIGGER_FOLLOW_UP,
                follows_session=say.header.session_id,
                detected_at=events.now_timestamp(),
                trace_id=say.header.trace_id or events.new_trace_id(),
            ),
            "follow-up",
        )
        if outcome.startswith(POLICY_UNREACHABLE):
            audio_metrics.FOLLOW_UPS.labels(self.site, "unreachable").inc()
        elif outcome:
            audio_metrics.FOLLOW_UPS.labels(self.site, "refused").inc()
        else:
            audio_metrics.FOLLOW_UPS.labels(self.site, "granted").inc()
            self.silence_watch = SilenceWatch(self.settings.follow_up_listen_s)

    async def push_to_talk(self) -> str:
        """A talk button was pressed: ask policy for a session without a wake word and open it
        with the audio from now on. Empty when the session is open; else why not."""
        return await self._session_without_wake_word(
            policy_pb2.SessionRequest(
                site=self.site,
                trigger=common_pb2.TRIGGER_PUSH_TO_TALK,
                detected_at=events.now_timestamp(),
                trace_id=events.new_trace_id(),
            ),
            "push-to-talk",
        )

    async def _session_without_wake_word(
        self, request: policy_pb2.SessionRequest, what: str
    ) -> str:
        """Ask policy and open the session with the audio from now on (no pre-roll). Empty when
        the session is open; else why not."""
        if self.session is not None:
            return "a session is already running on this site"
        try:
            grant = await self.policy.RequestSession(request, timeout=self.common.rpc_timeout_s)
        except grpc.aio.AioRpcError as exc:
            self.report.refusals.append(f"{POLICY_UNREACHABLE}: {exc.code().name}")
            return self.report.refusals[-1]
        if not grant.granted:
            log.info("site %s: %s session refused: %s", self.site, what, grant.reason)
            self.report.refusals.append(grant.reason)
            return grant.reason
        if self.session is not None:  # a wake word won the race while policy was asked
            await self._decline(grant, "a session was already running on this site")
            return "a session is already running on this site"
        log.info("site %s: %s session", self.site, what)
        self._open_session(grant, grant.trace_id, b"")
        return ""

    async def _on_session_granted(self, grant: policy_pb2.SessionGrant) -> None:
        """Policy granted a push-to-talk session for this site (`hearth listen`)."""
        if self.session is not None:
            log.info("site %s: push-to-talk session ignored: one is already running", self.site)
            await self._decline(grant, "a session was already running on this site")
            return
        log.info("site %s: push-to-talk session from policy", self.site)
        self._open_session(grant, grant.trace_id, b"")

    async def _decline(self, grant: policy_pb2.SessionGrant, detail: str) -> None:
        """A granted session that will not run is ended at once, so policy frees the site."""
        with contextlib.suppress(grpc.aio.AioRpcError):
            await self.policy.EndSession(
                policy_pb2.SessionEndRequest(
                    session_id=grant.session_id,
                    site=self.site,
                    outcome="CANCELLED",
                    detail=detail,
                    trace_id=grant.trace_id,
                ),
                timeout=self.common.rpc_timeout_s,
            )

    def _open_session(
        self,
        grant: policy_pb2.SessionGrant,
        trace_id: str,
        backlog: bytes,
        lead_in_s: float = 0.0,
    ) -> None:
        """lead_in_s: how much of the backlog is pre-roll, from before the wake word's detection."""
        self.silence_watch = None
        self.session = SttSession(
            self.stt,
            self.policy,
            self.site,
            grant,
            trace_id,
            backlog,
            self.source.chunk_bytes,
            self.common.rpc_timeout_s,
            lead_in_s,
        )
        self.session_task = asyncio.create_task(self._run_session(self.session))

    async def _run_session(self, session: SttSession) -> SessionResult:
        started = time.monotonic()
        try:
            result = await session.run()
        finally:
            self.session = None
        self.report.sessions.append(result)
        log.info(
            "site %s: session ended (%s) after %.1f s with %.1f s of audio",
            self.site,
            result.outcome.lower(),
            time.monotonic() - started,
            result.audio_s,
        )
        return result

    async def finish(self, timeout_s: float) -> None:
        """After a file ends: let wake see the rest, then let a session in progress finish."""
        if self.wake_word:
            await self.wake.close()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout_s):
                if self.wake_word:
                    await self.wake.finished.wait()
                if self.session is not None:
                    self.session.end_audio()
                if self.session_task is not None:
                    await asyncio.wait({self.session_task})

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        if self.session_task is not None and not self.session_task.done():
            if self.session is not None:
                self.session.cancel("shutting down")
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.session_task, 3.0)
        await self.source.close()
        for channel in self._channels:
            await channel.close(None)
