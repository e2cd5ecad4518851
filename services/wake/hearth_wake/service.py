"""The wake service: one gRPC stream per listening site, audio in, detections out.

This is the wake boundary: the audio it receives is analysed and dropped, and only a
detection (phrase, score, loudness) leaves it, as the stream's reply and as an event.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import AsyncIterator, Sequence

import grpc
import numpy as np
from google.protobuf.timestamp_pb2 import Timestamp

from hearth import events, metrics, pcm, rpc, topics
from hearth.access import Gate
from hearth.registry import RegistryError
from hearth.service import Service, StartupError
from hearth.settings import CommonSettings
from hearth.v1 import common_pb2, events_pb2, wake_pb2, wake_pb2_grpc
from hearth_wake.engine_choice import load_engine, load_verifier, resolve_verify
from hearth_wake.engines import WakeEngine, WakeHit, WakeModelError, WakeStream
from hearth_wake.settings import WakeSettings
from hearth_wake.verifier import Verifier
from hearth_wake.wake_metrics import (
    DETECTIONS,
    LISTENING,
    MODEL_LOAD,
    SCORES,
    STREAMS_REFUSED,
    VERIFIER_OUTCOMES,
    VERIFIER_REJECTIONS,
)

log = logging.getLogger(__name__)

# Children resolved once: these are touched for every 20 ms chunk of every site.
CHUNKS_IN = metrics.MESSAGES_IN.labels("wake", "audio_chunk")
AUDIO_TO_WAKE = metrics.HOP_LATENCY.labels("audio_to_wake")
INFERENCE = metrics.STAGE_DURATION.labels("wake", "inference")
VERIFY = metrics.STAGE_DURATION.labels("wake", "verify")
LEVEL_WINDOW_SAMPLES = pcm.SAMPLE_RATE  # loudness of the last second: roughly the wake phrase
BATCH_SAMPLES = 1280
"""Audio is handed to the engine's thread in batches of 80 ms (the embedding engine's hop): one
thread hand-off per new frame instead of one per 20 ms chunk keeps a listening site cheap."""
VERIFY_BUFFER_SAMPLES = 6 * pcm.SAMPLE_RATE
"""With a verifier, this much audio is kept: a spotting engine reports a detection up to 4 s
after the phrase ended (at the end of a long stretch of sound), and the verifier decodes 3 s up
to its end."""


class WakeService(Service):
    name = "wake"
    grpc_service_names = ("hearth.v1.Wake",)

    def __init__(self, common: CommonSettings, section: WakeSettings) -> None:
        super().__init__(common, section)
        self.settings = section
        self.engine: WakeEngine | None = None
        self.verifier: Verifier | None = None

    async def setup(self) -> None:
        started = time.perf_counter()
        data_dir = self.common.data_path
        settings, why = await asyncio.to_thread(resolve_verify, self.settings, data_dir)
        if settings.verify == "off" and why != "configured" and settings.engine == "embedding":
            log.warning(
                "wake.verify is %s: detections are not checked, and voices unlike the ones the "
                "wake model was trained on will rarely wake Hearth (docs/wake-word.md)",
                why,
            )
        try:
            self.engine = await asyncio.to_thread(load_engine, settings, data_dir)
            self.verifier = await asyncio.to_thread(
                load_verifier, settings, data_dir, self.engine.wake_words
            )
        except (WakeModelError, RegistryError) as exc:
            raise StartupError(str(exc)) from exc
        load_s = time.perf_counter() - started
        MODEL_LOAD.set(load_s)
        log.info(
            "wake engine %s loaded in %.2f s, wake words: %s, verifier: %s (%s)",
            self.engine.name,
            load_s,
            ", ".join(self.engine.wake_words),
            self.verifier.name if self.verifier else "off",
            why,
        )

    def servicers(self) -> Sequence[rpc.AddServicer]:
        api = WakeApi(self)
        return (lambda server: wake_pb2_grpc.add_WakeServicer_to_server(api, server),)

    def offers(self) -> events_pb2.Offers:
        assert self.engine is not None
        return events_pb2.Offers(
            wake=events_pb2.WakeOffers(
                engine=self.engine.name,
                wake_words=self.engine.wake_words,
                verifier=self.verifier.name if self.verifier else "off",
            )
        )

    def sensitivity_for(self, site: str, requested: float) -> float:
        if requested > 0:
            return min(1.0, requested)
        return self.settings.site_sensitivity.get(site, self.settings.sensitivity)

    def announce(self, site: str, detection: wake_pb2.Detection) -> None:
        assert self.engine is not None
        DETECTIONS.labels(self.engine.name, site).inc()
        SCORES.labels(self.engine.name).observe(detection.score)
        self.bus.publish(
            topics.WAKE_DETECTED.topic(site),
            events_pb2.WakeDetected(
                header=events.header(self.name, site=site, trace_id=detection.trace_id),
                wake_word=detection.wake_word,
                engine=detection.engine,
                score=detection.score,
                level_dbfs=detection.level_dbfs,
                detected_at=detection.detected_at,
            ),
        )


class SiteStream:
    """Per-connection state: the engine stream, the chunks waiting for a batch, the recent
    batches (kept as they are; joined only when a detection needs its loudness or its audio), and
    detections waiting for the verifier."""

    def __init__(
        self,
        site: str,
        engine: WakeEngine,
        stream: WakeStream,
        verifier: Verifier | None = None,
        check_every_detection: bool = False,
    ) -> None:
        self.site = site
        self.engine = engine
        self.stream = stream
        self.verifier = verifier
        self.check_every_detection = check_every_detection
        kept = VERIFY_BUFFER_SAMPLES if verifier else LEVEL_WINDOW_SAMPLES
        self.recent: deque[np.ndarray] = deque(maxlen=-(-kept // BATCH_SAMPLES))
        self.pending: list[np.ndarray] = []
        self.pending_samples = 0
        self.consumed = 0  # samples handed to the engine so far
        self.unverified: list[WakeHit] = []  # detections waiting for the verifier
        # When each detection fired, which is when the person said the phrase: a check releases it
        # a second or more later, and policy's arbitration between sites must compare the first.
        self.fired_at: dict[WakeHit, Timestamp] = {}

    def take_batch(self, samples: np.ndarray) -> np.ndarray | None:
        """Collect chunks on the event loop; return a batch once there is a hop's worth."""
        self.pending.append(samples)
        self.pending_samples += samples.size
        if self.pending_samples < BATCH_SAMPLES:
            return None
        batch = np.concatenate(self.pending)
        self.pending, self.pending_samples = [], 0
        return batch

    def process(self, samples: np.ndarray) -> list[WakeHit]:
        """Runs in a worker thread: inference must not block the event loop."""
        self.recent.append(samples)
        self.consumed += samples.size
        hits = self.stream.process(samples)
        for hit in hits:
            self.fired_at[hit] = events.now_timestamp()
        return hits

    def audio_until(self, end_sample: int) -> np.ndarray:
        """The buffered audio that ends at ``end_sample`` (or at the newest sample, if that is
        earlier)."""
        audio = np.concatenate(self.recent) if self.recent else np.zeros(0, np.int16)
        return audio[: max(0, audio.size - max(0, self.consumed - end_sample))]

    def sure_detections(self) -> list[WakeHit]:
        """The waiting detections the first stage is sure of (it passed its own calibrated
        threshold too, so far): they go out now, unchecked and without waiting for the tail."""
        if self.check_every_detection:
            return []
        sure = [hit for hit in self.unverified if self.stream.sure_of(hit, self.consumed)]
        self.unverified = [hit for hit in self.unverified if hit not in sure]
        return sure

    def due_for_verification(self) -> list[WakeHit]:
        """The waiting detections whose tail of audio has now arrived."""
        assert self.verifier is not None
        tail = int(self.verifier.tail_s * pcm.SAMPLE_RATE)
        due = [hit for hit in self.unverified if hit.end_sample + tail <= self.consumed]
        self.unverified = [hit for hit in self.unverified if hit.end_sample + tail > self.consumed]
        return due

    def verify(self, hit: WakeHit) -> bool:
        """Runs in a worker thread: the second recogniser over the detection's audio."""
        assert self.verifier is not None
        tail = int(self.verifier.tail_s * pcm.SAMPLE_RATE)
        return self.verifier.confirm(hit.wake_word, self.audio_until(hit.end_sample + tail))

    def detection(self, hit: WakeHit) -> wake_pb2.Detection:
        return wake_pb2.Detection(
            wake_word=hit.wake_word,
            engine=self.engine.name,
            score=hit.score,
            level_dbfs=pcm.level_dbfs(self.audio_until(self.consumed)[-LEVEL_WINDOW_SAMPLES:]),
            end_sample=hit.end_sample,
            detected_at=self.fired_at.pop(hit, None) or events.now_timestamp(),
            trace_id=events.new_trace_id(),
        )


class WakeApi(wake_pb2_grpc.WakeServicer):
    """gRPC face of the wake service."""

    def __init__(self, service: WakeService) -> None:
        self.service = service
        self.open_streams = 0
        self.gate = Gate("wake")

    async def Detect(
        self,
        request_iterator: AsyncIterator[wake_pb2.DetectRequest],
        context: grpc.aio.ServicerContext,
    ) -> AsyncIterator[wake_pb2.DetectResponse]:
        service = self.service
        assert service.engine is not None
        first = await anext(aiter(request_iterator), None)
        if first is None or not first.HasField("start"):
            service.reject(
                "detect_stream", "no_start", "wake stream did not begin with DetectStart"
            )
            await context.abort(
                grpc.StatusCode.INVALID_ARGUMENT, "the first message must be DetectStart"
            )
        start = first.start
        await self.gate.allow(context, "Detect", ("audio",), start.site)
        problem = _start_problem(start, service.common.sites)
        if problem:
            service.reject("detect_stream", problem[0], problem[1])
            await context.abort(problem[2], problem[1])
        await self._take_a_place(context)
        try:
            async for response in self._listen(start, request_iterator, context):
                yield response
        finally:
            self.open_streams -= 1

    async def _take_a_place(self, context: grpc.aio.ServicerContext) -> None:
        """Count the stream in, or refuse it when wake.max_detect_streams are open already
        (after the caller is known to be allowed: an unauthorised caller holds no place)."""
        limit = self.service.settings.max_detect_streams
        if self.open_streams >= limit:
            STREAMS_REFUSED.inc()
            self.service.reject(
                "detect_stream", "too_many_streams", f"too many streams: {limit} already open"
            )
            await context.abort(
                grpc.StatusCode.RESOURCE_EXHAUSTED,
                f"the wake service serves at most {limit} stream{'s' if limit > 1 else ''} at "
                "once (wake.max_detect_streams)",
            )
        self.open_streams += 1

    async def _listen(
        self,
        start: wake_pb2.DetectStart,
        request_iterator: AsyncIterator[wake_pb2.DetectRequest],
        context: grpc.aio.ServicerContext,
    ) -> AsyncIterator[wake_pb2.DetectResponse]:
        service = self.service
        assert service.engine is not None
        site = SiteStream(
            start.site,
            service.engine,
            service.engine.open_stream(service.sensitivity_for(start.site, start.sensitivity)),
            service.verifier,
            service.settings.verify_every_detection,
        )
        # A reference stream carries what the site plays, not what it hears: it is not a
        # listening site, and its detections go back to the audio service only.
        listening = not start.reference
        log.info("site %s %s", start.site, "listening" if listening else "playing (reference)")
        LISTENING.inc(listening)
        try:
            yield wake_pb2.DetectResponse(
                ready=wake_pb2.DetectReady(
                    engine=service.engine.name, wake_words=service.engine.wake_words
                )
            )
            async for request in request_iterator:
                if not request.HasField("audio"):
                    continue
                for detection in await self._process(site, request.audio, context):
                    if listening:
                        service.announce(start.site, detection)
                    metrics.MESSAGES_OUT.labels("wake", "detection").inc()
                    yield wake_pb2.DetectResponse(detection=detection)
        finally:
            LISTENING.dec(listening)
            log.info("site %s stopped %s", start.site, "listening" if listening else "playing")

    async def _process(
        self, site: SiteStream, chunk: common_pb2.AudioChunk, context: grpc.aio.ServicerContext
    ) -> list[wake_pb2.Detection]:
        service = self.service
        if len(chunk.pcm) > service.settings.max_chunk_bytes:
            service.reject(
                "audio_chunk",
                "oversized",
                f"audio chunk of {len(chunk.pcm)} bytes from site {site.site}",
            )
            await context.abort(
                grpc.StatusCode.INVALID_ARGUMENT,
                f"audio chunks may be at most {service.settings.max_chunk_bytes} bytes",
            )
        CHUNKS_IN.inc()
        latency = events.seconds_since(chunk.captured_at)
        if latency is not None:
            AUDIO_TO_WAKE.observe(latency)
        batch = site.take_batch(pcm.to_samples(chunk.pcm))
        if batch is None:
            return []
        started = time.perf_counter()
        hits = await asyncio.to_thread(site.process, batch)
        INFERENCE.observe(time.perf_counter() - started)
        if site.verifier is None:
            return [site.detection(hit) for hit in hits]
        site.unverified += hits
        confirmed = []
        for hit in site.sure_detections():
            VERIFIER_OUTCOMES.labels("sure").inc()
            confirmed.append(site.detection(hit))
        for hit in site.due_for_verification():
            started = time.perf_counter()
            if await asyncio.to_thread(site.verify, hit):
                VERIFIER_OUTCOMES.labels("confirmed").inc()
                confirmed.append(site.detection(hit))
            else:
                site.fired_at.pop(hit, None)
                VERIFIER_OUTCOMES.labels("dropped").inc()
                VERIFIER_REJECTIONS.labels(site.site).inc()
                log.info(
                    "site %s: the verifier did not confirm a %s detection (score %.2f); dropped",
                    site.site,
                    site.engine.name,
                    hit.score,
                )
            VERIFY.observe(time.perf_counter() - started)
        return confirmed


def _start_problem(
    start: wake_pb2.DetectStart, sites: tuple[str, ...]
) -> tuple[str, str, grpc.StatusCode] | None:
    if start.site not in sites:
        return (
            "unknown_site",
            f"unknown site {start.site!r}; known sites: {', '.join(sites)}",
            grpc.StatusCode.PERMISSION_DENIED,
        )
    fmt = start.format
    if (fmt.sample_rate, fmt.sample_width, fmt.channels) != (
        pcm.SAMPLE_RATE,
        pcm.SAMPLE_WIDTH,
        pcm.CHANNELS,
    ):
        return (
            "bad_format",
            f"audio must be 16000 Hz, 16-bit, mono; got {fmt.sample_rate} Hz, "
            f"{fmt.sample_width * 8}-bit, {fmt.channels} channels",
            grpc.StatusCode.INVALID_ARGUMENT,
        )
    return None
