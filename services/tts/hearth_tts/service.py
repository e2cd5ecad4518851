"""The speech service: text in, audio out, streamed sentence by sentence.

A request is checked before any work (who asks, for which site, how much text, which voice), then
admitted if fewer than `max_concurrent + max_waiting` requests are in, else refused. Each sentence
is synthesised in a thread (at most `max_concurrent` at once) and sent as soon as it exists, so a
long answer starts playing after its first sentence. Recent sentences come from a phrase cache in
memory. Nothing logged or counted carries the text.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import grpc

from hearth import pcm, rpc, topics
from hearth.access import Gate
from hearth.broker_auth import satellite_site
from hearth.registry import RegistryError
from hearth.service import Service, StartupError
from hearth.settings import CommonSettings
from hearth.v1 import common_pb2, events_pb2, tts_pb2, tts_pb2_grpc
from hearth_tts.engine_choice import load_engines
from hearth_tts.engines.base import VoiceInfo
from hearth_tts.engines.errors import TtsError, VoiceNotFoundError
from hearth_tts.phrase_cache import PhraseCache, PhraseKey
from hearth_tts.sentences import split_sentences
from hearth_tts.settings import TtsSettings
from hearth_tts.tts_metrics import (
    AUDIO_SECONDS,
    CACHE,
    CACHED_SENTENCES,
    CHARACTERS,
    FIRST_AUDIO_SECONDS,
    REQUESTS,
    SYNTHESIS_SECONDS,
)
from hearth_tts.voices import VoiceBook

log = logging.getLogger(__name__)

CHUNK_BYTES = 32_000
"""Samples per response: a second at 16 kHz, well under any message limit."""
MIN_SAMPLE_RATE = 8_000
MAX_SAMPLE_RATE = 48_000
CACHE_SWEEP_MAX_S = 30.0
"""The cache is swept at least this often, so an entry leaves within its age plus this."""
LIST_CALLERS = ("audio", "intent")
"""Besides the owner and satellites: who may ask which voices exist."""
SHOWN_CHARS = 40
"""A caller's value (a site, a voice name) appears in a message and a log line cut to this."""


def shown(value: str) -> str:
    """A caller's value as it may appear in a message: quoted, and cut when long."""
    return repr(value if len(value) <= SHOWN_CHARS else value[:SHOWN_CHARS] + "...")


class Refused(Exception):
    """A request that cannot be served: the status, the metric's reason, the caller's message."""

    def __init__(self, code: grpc.StatusCode, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.reason = reason
        self.detail = detail


class Admission:
    """Requests in flight: at most `limit`; one more is refused instead of waiting."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.inside = 0

    @contextlib.contextmanager
    def enter(self) -> Iterator[None]:
        if self.inside >= self.limit:
            raise Refused(
                grpc.StatusCode.RESOURCE_EXHAUSTED,
                "busy",
                f"the tts service is busy ({self.inside} requests in progress); try again",
            )
        self.inside += 1
        try:
            yield
        finally:
            self.inside -= 1


@dataclass(frozen=True)
class Plan:
    """A checked request: what to say, with which voice, at which rate."""

    voice: VoiceInfo
    sentences: list[str]
    sample_rate: int


class TtsService(Service):
    name = "tts"
    grpc_service_names = ("hearth.v1.Tts",)

    def __init__(self, common: CommonSettings, section: TtsSettings) -> None:
        super().__init__(common, section)
        self.settings = section
        self.book: VoiceBook | None = None
        self.cache = PhraseCache(
            section.cache_entries, section.cache_s, int(section.cache_mb * 1_000_000)
        )
        self.admission = Admission(section.max_concurrent + section.max_waiting)
        self.synthesis_threads = ThreadPoolExecutor(
            section.max_concurrent, thread_name_prefix="synthesis"
        )
        """At most max_concurrent sentences at once, always on the same threads: each thread that
        runs inference grows a heap of its own in the C library (measured: 60 MB more at the peak
        with a new thread per sentence)."""
        self._sweeper: asyncio.Task[None] | None = None

    async def setup(self) -> None:
        for outcome in ("hit", "miss"):
            CACHE.labels(outcome)  # counted from zero: a hit ratio of 0 is not "no data"
        try:
            self.book = await asyncio.to_thread(self._open_book)
        except (RegistryError, TtsError) as exc:
            raise StartupError(str(exc)) from exc
        self._sweeper = asyncio.create_task(self._sweep_cache())

    def _open_book(self) -> VoiceBook:
        engines = load_engines(self.settings, self.common.data_path)
        book = VoiceBook(engines, self.settings.default_voice, self.settings.max_loaded_voices)
        try:
            book.info(self.settings.default_voice)
        except VoiceNotFoundError as exc:
            raise TtsError(f"tts.default_voice: {exc}") from exc
        book.voice(self.settings.default_voice)
        log.info(
            "%d voices from %s; default %s",
            len(book.catalogue),
            ", ".join(engine.name for engine in book.engines),
            self.settings.default_voice,
        )
        return book

    async def teardown(self) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()
        self.cache.clear()
        CACHED_SENTENCES.set(0)
        self.synthesis_threads.shutdown(wait=False, cancel_futures=True)

    def servicers(self) -> Sequence[rpc.AddServicer]:
        api = TtsApi(self)
        return (lambda server: tts_pb2_grpc.add_TtsServicer_to_server(api, server),)

    def offers(self) -> events_pb2.Offers:
        assert self.book is not None
        return events_pb2.Offers(
            tts=events_pb2.TtsOffers(
                default_voice=self.settings.default_voice, voices=self.book.names()
            )
        )

    async def _sweep_cache(self) -> None:
        interval = min(CACHE_SWEEP_MAX_S, max(1.0, self.settings.cache_s / 2))
        while True:
            await asyncio.sleep(interval)
            self.cache.expire()
            CACHED_SENTENCES.set(len(self.cache))

    def plan(self, request: tts_pb2.SynthesizeRequest) -> Plan:
        """The checked request (blocking: an unknown voice makes the voice list be read again)."""
        assert self.book is not None
        if request.site not in self.common.sites:
            raise Refused(
                grpc.StatusCode.NOT_FOUND,
                "unknown_site",
                f"unknown site {shown(request.site)}; the sites are {', '.join(self.common.sites)}",
            )
        if not request.text.strip():
            raise Refused(grpc.StatusCode.INVALID_ARGUMENT, "empty", "there is no text to say")
        if len(request.text) > self.settings.max_text_chars:
            raise Refused(
                grpc.StatusCode.INVALID_ARGUMENT,
                "too_long",
                f"text of {len(request.text)} characters; at most {self.settings.max_text_chars} "
                "(tts.max_text_chars)",
            )
        rate = request.sample_rate
        if rate and not MIN_SAMPLE_RATE <= rate <= MAX_SAMPLE_RATE:
            raise Refused(
                grpc.StatusCode.INVALID_ARGUMENT,
                "bad_rate",
                f"sample_rate {rate}: 0 (the voice's own) or {MIN_SAMPLE_RATE}-{MAX_SAMPLE_RATE}",
            )
        try:
            voice = self.book.info(request.voice)
        except VoiceNotFoundError as exc:
            raise Refused(grpc.StatusCode.NOT_FOUND, "unknown_voice", str(exc)) from exc
        sentences = split_sentences(request.text, self.settings.max_sentence_chars)
        return Plan(voice, sentences, rate or voice.sample_rate)

    async def sentence_audio(self, plan: Plan, sentence: str) -> bytes:
        """One sentence as PCM at the plan's rate: from the cache, else synthesised in a thread."""
        key = PhraseKey(plan.voice.name, plan.sample_rate, sentence)
        if self.cache.enabled:
            cached = self.cache.get(key)
            CACHE.labels("hit" if cached is not None else "miss").inc()
            if cached is not None:
                return cached
        audio = await asyncio.get_running_loop().run_in_executor(
            self.synthesis_threads, self.synthesize, plan, sentence
        )
        self.cache.put(key, audio)
        CACHED_SENTENCES.set(len(self.cache))
        return audio

    def synthesize(self, plan: Plan, sentence: str) -> bytes:
        """Blocking: the voice speaks one sentence, resampled to the plan's rate."""
        assert self.book is not None
        engine = plan.voice.engine
        started = time.perf_counter()
        samples = self.book.voice(plan.voice.name).synthesize(sentence)
        samples = pcm.resample(samples, plan.voice.sample_rate, plan.sample_rate)
        SYNTHESIS_SECONDS.labels(engine).observe(time.perf_counter() - started)
        CHARACTERS.labels(engine).inc(len(sentence))
        return samples.astype("<i2").tobytes()


class TtsApi(tts_pb2_grpc.TtsServicer):
    """gRPC face of the tts service."""

    def __init__(self, service: TtsService) -> None:
        self.service = service
        self.gate = Gate("tts")

    async def Synthesize(
        self, request: tts_pb2.SynthesizeRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[tts_pb2.SynthesizeResponse]:
        received = time.perf_counter()
        service = self.service
        await self.gate.allow(context, "Synthesize", ("audio",), request.site)
        outcome = "failed"
        try:
            plan = await asyncio.to_thread(service.plan, request)
            with service.admission.enter():
                outcome = "cancelled"
                async for response in self._speak(plan, received):
                    yield response
                outcome = "ok"
        except Refused as refused:
            outcome = refused.reason
            service.reject("synthesize", refused.reason, refused.detail)
            await context.abort(refused.code, refused.detail)
        except TtsError as exc:
            log.error("synthesis failed (voice %s): %s", request.voice or "default", exc)
            await context.abort(grpc.StatusCode.INTERNAL, f"synthesis failed: {exc}")
        finally:
            REQUESTS.labels(outcome).inc()

    async def _speak(
        self, plan: Plan, received: float
    ) -> AsyncIterator[tts_pb2.SynthesizeResponse]:
        service = self.service
        yield tts_pb2.SynthesizeResponse(
            format=common_pb2.AudioFormat(
                sample_rate=plan.sample_rate, sample_width=pcm.SAMPLE_WIDTH, channels=1
            ),
            voice=plan.voice.name,
        )
        first_audio_s: float | None = None
        sent_bytes = 0
        for sentence in plan.sentences:
            audio = await service.sentence_audio(plan, sentence)
            for start in range(0, max(len(audio), 1), CHUNK_BYTES):
                if first_audio_s is None:
                    first_audio_s = time.perf_counter() - received
                    FIRST_AUDIO_SECONDS.labels(plan.voice.engine).observe(first_audio_s)
                yield tts_pb2.SynthesizeResponse(
                    pcm=audio[start : start + CHUNK_BYTES],
                    sentence_end=start + CHUNK_BYTES >= len(audio),
                )
            sent_bytes += len(audio)
        audio_s = sent_bytes / (plan.sample_rate * pcm.SAMPLE_WIDTH)
        AUDIO_SECONDS.labels(plan.voice.engine).inc(audio_s)
        log.info(
            "spoke %d sentences (%.2f s of audio) with %s; first audio after %.0f ms, done "
            "after %.0f ms",
            len(plan.sentences),
            audio_s,
            plan.voice.name,
            (first_audio_s or 0.0) * 1000,
            (time.perf_counter() - received) * 1000,
        )

    async def ListVoices(
        self, request: tts_pb2.ListVoicesRequest, context: grpc.aio.ServicerContext
    ) -> tts_pb2.ListVoicesReply:
        caller = await self.gate.caller(context, "ListVoices")
        if caller != topics.ADMIN and caller not in LIST_CALLERS and not satellite_site(caller):
            await self.gate.deny(
                context, "ListVoices", "not_allowed", f"{caller} may not call ListVoices"
            )
        book = self.service.book
        assert book is not None
        await asyncio.to_thread(book.refresh)
        return tts_pb2.ListVoicesReply(
            voices=[
                tts_pb2.Voice(
                    name=info.name,
                    engine=info.engine,
                    language=info.language,
                    sample_rate=info.sample_rate,
                    is_default=info.name == book.default,
                )
                for _, info in (book.catalogue[name] for name in book.names())
            ]
        )
