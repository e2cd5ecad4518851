"""A site's voice: say requests for the site are synthesised by the tts service and played on the
site's output one at a time, in order, with `started` and `finished` events.

Words never appear in a log line or a metric label: a say request is known by its purpose and
outcome only.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from hearth import events, pcm, rpc, topics
from hearth.bus import Bus, Subscription
from hearth.identity import Identity
from hearth.settings import CommonSettings
from hearth.v1 import common_pb2, events_pb2, tts_pb2, tts_pb2_grpc
from hearth_audio import audio_metrics
from hearth_audio.chime import chime
from hearth_audio.output import Output, OutputError, Playback
from hearth_audio.pacing import Pacer
from hearth_audio.settings import AudioSettings
from hearth_audio.synthesis import Synthesis, SynthesisError

log = logging.getLogger(__name__)

Outcome = events_pb2.SpeechFinished.Outcome
SLICE_S = 0.05
"""Audio goes to the output in slices this long, each when the pace allows."""
BARGE_IN_DETAIL = "a wake word was spoken over it"
Reject = Callable[[str, str, str], None]


class PlaybackListener(Protocol):
    """The site's microphone side: it hears what is played (no self-wake) and listens for a
    follow-up after an answer that continues the conversation."""

    def playback_started(self) -> None: ...

    async def playback_heard(self, pcm16k: bytes) -> None: ...

    async def playback_ended(self) -> None: ...

    async def follow_up(self, say: events_pb2.SayRequest) -> None: ...


@dataclass
class Ending:
    """How one say request ended."""

    outcome: events_pb2.SpeechFinished.Outcome
    played_s: float = 0.0
    detail: str = ""
    reason: str = ""
    """For a failure: the metric label (queue_full, unknown_voice, player_failed, ...)."""


def to_wake_format(piece: bytes, rate: int) -> bytes:
    """16 kHz mono 16-bit, what the wake service listens to."""
    return pcm.resample(pcm.to_samples(piece), rate, pcm.SAMPLE_RATE).astype("<i2").tobytes()


class Speaker:
    def __init__(
        self,
        common: CommonSettings,
        settings: AudioSettings,
        identity: Identity,
        bus: Bus,
        reject: Reject,
        output: Output | None,
    ) -> None:
        """output None: the site has no output device; every request ends as NO_OUTPUT."""
        self.common = common
        self.settings = settings
        self.site = settings.site
        self.bus = bus
        self.reject = reject
        self.output = output
        self.listener: PlaybackListener | None = None
        self.queue: asyncio.Queue[events_pb2.SayRequest] = asyncio.Queue(settings.say_queue)
        self._interrupted: asyncio.Event | None = None
        self._channel = rpc.open_channel(
            common.endpoints.tts, common.grpc_max_message_bytes, identity
        )
        self.tts = tts_pb2_grpc.TtsStub(self._channel)
        self._played = audio_metrics.PLAYED_SECONDS.labels(self.site)

    def subscription(self) -> Subscription:
        """This site's say requests only: a satellite may read no other site's."""
        return Subscription(topics.SAY.topic(self.site), events_pb2.SayRequest, self.on_say, "say")

    async def on_say(self, topic: str, say: events_pb2.SayRequest) -> None:
        site = topics.site_of(topic)
        if site != self.site:
            self.reject("say", "wrong_site", f"say request for site {site!r} at site {self.site}")
            return
        if not say.text.strip():
            self.reject("say", "empty", f"say request without text for site {site}")
            return
        if self.output is None:
            self.publish_finished(
                say,
                Ending(
                    Outcome.OUTCOME_NO_OUTPUT,
                    detail="the site has no output device (audio.output is none)",
                ),
            )
            return
        try:
            self.queue.put_nowait(say)
        except asyncio.QueueFull:
            detail = f"queue full: {self.queue.maxsize} requests already wait at this site"
            self.publish_finished(
                say, Ending(Outcome.OUTCOME_FAILED, detail=detail, reason="queue_full")
            )

    async def run(self) -> None:
        """Speak the queued requests one after the other, for as long as the service runs; after
        an answer that continues the conversation, the site listens for the reply."""
        while True:
            say = await self.queue.get()
            ending = await self._speak(say)
            self.publish_finished(say, ending)
            if (
                ending.outcome == Outcome.OUTCOME_PLAYED
                and say.continue_conversation
                and self.listener is not None
            ):
                await self._follow_up(say)

    async def _follow_up(self, say: events_pb2.SayRequest) -> None:
        assert self.listener is not None
        try:
            await self.listener.follow_up(say)
        except Exception:
            log.exception("site %s: the follow-up after an answer failed", self.site)

    def interrupt(self) -> bool:
        """Stop the answer being played (barge-in); False when nothing was playing."""
        if self._interrupted is None:
            return False
        self._interrupted.set()
        return True

    async def close(self) -> None:
        await self._channel.close(None)

    async def _speak(self, say: events_pb2.SayRequest) -> Ending:
        """How the request ended; an unexpected error ends it as FAILED, and the site speaks on."""
        interrupted = asyncio.Event()
        self._interrupted = interrupted
        try:
            return await self._synthesise_and_play(say, interrupted)
        except Exception:
            log.exception("site %s: a say request failed unexpectedly", self.site)
            return Ending(Outcome.OUTCOME_FAILED, detail="internal error", reason="internal")
        finally:
            self._interrupted = None

    async def _synthesise_and_play(
        self, say: events_pb2.SayRequest, interrupted: asyncio.Event
    ) -> Ending:
        assert self.output is not None
        request = tts_pb2.SynthesizeRequest(
            text=say.text,
            voice=say.voice,
            site=self.site,
            sample_rate=self.settings.output_rate,
            trace_id=say.header.trace_id,
        )
        synthesis = Synthesis(
            self.tts, request, self.common.endpoints.tts, self.common.rpc_timeout_s
        )
        try:
            await synthesis.start()
            playback = await self.output.open(synthesis.rate)
        except SynthesisError as exc:
            await synthesis.close()
            return Ending(Outcome.OUTCOME_FAILED, detail=exc.detail, reason=exc.reason)
        except OutputError as exc:
            await synthesis.close()
            return Ending(Outcome.OUTCOME_FAILED, detail=str(exc), reason="player_failed")
        run = _Run(self, say, synthesis, playback, interrupted)
        try:
            return await run.play()
        finally:
            await synthesis.close()
            if run.pacer.started is not None and self.listener is not None:
                await self.listener.playback_ended()

    def publish_started(self, say: events_pb2.SayRequest, voice: str) -> None:
        latency = events.seconds_since(say.header.sent_at)
        if latency is not None:
            audio_metrics.SAY_TO_FIRST_SAMPLE.labels(self.site).observe(latency)
        self.bus.publish(
            topics.SPEECH_STARTED.topic(self.site),
            events_pb2.SpeechStarted(
                header=self._header(say),
                say_id=say.say_id,
                voice=voice,
                purpose=say.purpose,
                requested_at=say.header.sent_at,
            ),
        )
        if self.listener is not None:
            self.listener.playback_started()

    def publish_finished(self, say: events_pb2.SayRequest, ending: Ending) -> None:
        outcome = Outcome.Name(ending.outcome).removeprefix("OUTCOME_").lower()
        audio_metrics.PLAYBACKS.labels(self.site, outcome).inc()
        self._played.inc(ending.played_s)
        if ending.reason:
            audio_metrics.PLAYBACK_FAILURES.labels(self.site, ending.reason).inc()
            log.warning(
                "site %s: a say request (%s) failed: %s",
                self.site,
                say.purpose or "no purpose",
                ending.detail,
            )
        else:
            log.info(
                "site %s: a say request (%s) ended: %s after %.1f s",
                self.site,
                say.purpose or "no purpose",
                outcome,
                ending.played_s,
            )
        self.bus.publish(
            topics.SPEECH_FINISHED.topic(self.site),
            events_pb2.SpeechFinished(
                header=self._header(say),
                say_id=say.say_id,
                outcome=ending.outcome,
                played_s=ending.played_s,
                detail=ending.detail,
                purpose=say.purpose,
            ),
        )

    def _header(self, say: events_pb2.SayRequest) -> common_pb2.EventHeader:
        return events.header(
            "audio",
            site=self.site,
            session_id=say.header.session_id,
            trace_id=say.header.trace_id,
        )


class Interrupted(Exception):
    """The answer was stopped (barge-in) while it played or waited for synthesis."""


class _Run:
    """One answer being played: the chime, then the samples as synthesis delivers them, at the
    pace they play, until the end or an interruption."""

    def __init__(
        self,
        speaker: Speaker,
        say: events_pb2.SayRequest,
        synthesis: Synthesis,
        playback: Playback,
        interrupted: asyncio.Event,
    ) -> None:
        self.speaker = speaker
        self.say = say
        self.synthesis = synthesis
        self.playback = playback
        self.interrupted = interrupted
        self.pacer = Pacer(synthesis.rate)
        self.slice_bytes = max(2, int(synthesis.rate * SLICE_S) * 2)

    async def play(self) -> Ending:
        try:
            if self.say.chime:
                await self._write(chime(self.synthesis.rate))
            while (piece := await self._next()) is not None:
                await self._write(piece)
            await self._wait(self.pacer.remaining_s())
            await self.playback.finish()
        except Interrupted:
            played_s = self.pacer.played_s()
            await self.playback.stop()
            return Ending(Outcome.OUTCOME_INTERRUPTED, played_s, BARGE_IN_DETAIL)
        except (SynthesisError, OutputError) as exc:
            await self.playback.stop()
            reason = exc.reason if isinstance(exc, SynthesisError) else "player_failed"
            return Ending(Outcome.OUTCOME_FAILED, self.pacer.played_s(), str(exc), reason)
        except BaseException:
            await self.playback.stop()
            raise
        return Ending(Outcome.OUTCOME_PLAYED, self.pacer.written_s)

    async def _next(self) -> bytes | None:
        """The next samples from synthesis (None at the end), unless an interruption comes
        first."""
        getter = asyncio.create_task(self.synthesis.next())
        stopper = asyncio.create_task(self.interrupted.wait())
        try:
            await asyncio.wait({getter, stopper}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopper.cancel()
            if not getter.done():
                getter.cancel()
        if getter.cancelled():
            raise Interrupted
        return getter.result()

    async def _write(self, data: bytes) -> None:
        """Write at the playing pace, telling the listener what the room is about to hear."""
        speaker = self.speaker
        for offset in range(0, len(data), self.slice_bytes):
            await self._wait(self.pacer.delay())
            piece = data[offset : offset + self.slice_bytes]
            first = self.pacer.started is None
            await self.playback.write(piece)
            self.pacer.wrote(len(piece) // 2)
            if first:
                speaker.publish_started(self.say, self.synthesis.voice)
            if speaker.listener is not None:
                await speaker.listener.playback_heard(to_wake_format(piece, self.synthesis.rate))

    async def _wait(self, delay_s: float) -> None:
        """Sleep up to delay_s; raises Interrupted as soon as the answer is stopped."""
        if delay_s > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.interrupted.wait(), delay_s)
        if self.interrupted.is_set():
            raise Interrupted
