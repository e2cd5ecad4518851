"""The audio service's stream to the wake service: chunks out, detections back.

Audio that cannot be delivered (wake down, or falling behind) is dropped and counted, never
buffered without bound; a microphone must not back up behind a slow detector.
"""

from __future__ import annotations

import asyncio
import bisect
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

import grpc

from hearth import events
from hearth.pcm import CHANNELS, SAMPLE_RATE, SAMPLE_WIDTH
from hearth.v1 import common_pb2, wake_pb2, wake_pb2_grpc
from hearth_audio import audio_metrics

log = logging.getLogger(__name__)

QUEUE_CHUNKS = 50
MAX_SEGMENTS = 64
"""Continuity breaks remembered for mapping detections back; older ones lie outside the ring
anyway."""
_END = object()


class WakeLink:
    """Keeps one Detect stream open (reopening it after failures) and maps detections back to
    ring offsets."""

    def __init__(
        self,
        wake: wake_pb2_grpc.WakeStub,
        site: str,
        retry_s: float,
        on_detection: Callable[[wake_pb2.Detection, int], Awaitable[None]],
        backpressure: bool,
        *,
        reference: bool = False,
    ) -> None:
        """reference True: the stream carries what the site plays, not its microphone (its
        detections are for the echo guard only; see echo_guard.py)."""
        self.wake = wake
        self.reference = reference
        self.stream_name = "reference" if reference else "wake"
        self.site = site
        self.retry_s = retry_s
        self.on_detection = on_detection
        self.backpressure = backpressure
        self.ready = asyncio.Event()
        self.finished = asyncio.Event()
        self._queue: asyncio.Queue[object] = asyncio.Queue(maxsize=QUEUE_CHUNKS)
        self._stream_samples = 0
        # (sample offset within the wake stream, ring offset) at each point where continuity broke.
        self._segments: list[tuple[int, int]] = []
        self._continuous = False
        self.last_error = ""

    async def offer(self, pcm: bytes, ring_offset: int) -> None:
        """Send a chunk if the stream is up; with backpressure (files) wait for room, else drop
        when full."""
        if not self.ready.is_set():
            if self.backpressure:
                await self.ready.wait()
            else:
                audio_metrics.DROPPED.labels(self.site, f"{self.stream_name}_unavailable").inc()
                self._continuous = False
                return
        if self._queue.full() and not self.backpressure:
            audio_metrics.DROPPED.labels(self.site, f"{self.stream_name}_behind").inc()
            self._continuous = False
            return
        if not self._continuous:
            self._segments.append((self._stream_samples, ring_offset))
            del self._segments[:-MAX_SEGMENTS]
            self._continuous = True
        self._stream_samples += len(pcm) // SAMPLE_WIDTH
        await self._queue.put(common_pb2.AudioChunk(pcm=pcm, captured_at=events.now_timestamp()))

    async def close(self) -> None:
        """No more audio: let the wake service finish what it has, then end the stream."""
        await self._queue.put(_END)

    def ring_offset(self, stream_sample: int) -> int:
        index = bisect.bisect_right(self._segments, (stream_sample, float("inf"))) - 1
        if index < 0:
            return 0
        stream_start, ring_start = self._segments[index]
        return ring_start + (stream_sample - stream_start)

    async def run(self) -> None:
        while True:
            ended = await self._stream_once()
            if ended:
                self.finished.set()
                return
            await asyncio.sleep(self.retry_s)

    async def _stream_once(self) -> bool:
        """One Detect call; True when it ended because the audio ended."""
        self._stream_samples = 0
        self._segments.clear()
        self._continuous = False
        self._drain()
        call = self.wake.Detect(self._requests())
        try:
            async for response in call:
                if response.HasField("ready"):
                    log.info(
                        "site %s streaming %s to wake (%s)",
                        self.site,
                        "what it plays" if self.reference else "its microphone",
                        response.ready.engine,
                    )
                    self.last_error = ""
                    self.ready.set()
                elif response.HasField("detection"):
                    await self.on_detection(
                        response.detection, self.ring_offset(response.detection.end_sample)
                    )
            return True
        except grpc.aio.AioRpcError as exc:
            if exc.details() != self.last_error:
                log.warning(
                    "%s stream for site %s failed: %s (%s); retrying",
                    self.stream_name,
                    self.site,
                    exc.details(),
                    exc.code().name,
                )
            self.last_error = exc.details() or exc.code().name
            return False
        finally:
            self.ready.clear()
            call.cancel()

    def _drain(self) -> None:
        while not self._queue.empty():
            self._queue.get_nowait()

    async def _requests(self) -> AsyncIterator[wake_pb2.DetectRequest]:
        fmt = common_pb2.AudioFormat(
            sample_rate=SAMPLE_RATE, sample_width=SAMPLE_WIDTH, channels=CHANNELS
        )
        yield wake_pb2.DetectRequest(
            start=wake_pb2.DetectStart(site=self.site, format=fmt, reference=self.reference)
        )
        while True:
            item = await self._queue.get()
            if item is _END:
                return
            assert isinstance(item, common_pb2.AudioChunk)
            yield wake_pb2.DetectRequest(audio=item)
