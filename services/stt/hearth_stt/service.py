"""The speech-to-text service: audio is accepted only inside a session that policy authorised.

Each stream starts with a session token; anything else is refused with PERMISSION_DENIED and
counted. Decoding runs in worker threads; the final transcript is published on the bus and
returned on the stream.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, replace

import grpc

from hearth import events, metrics, pcm, rpc, tokens, topics
from hearth.access import Gate
from hearth.models import ModelError
from hearth.registry import RegistryError
from hearth.service import Service, StartupError, Sub
from hearth.settings import CommonSettings
from hearth.v1 import events_pb2, stt_pb2, stt_pb2_grpc
from hearth_stt.closed_domain import SCORE_OUTCOMES, ClosedDomain, Understood
from hearth_stt.engine_choice import choose_engine, closed_domain_options
from hearth_stt.engines.base import (
    FinalResult,
    SttEngine,
    Update,
    Utterance,
    Vocabulary,
)
from hearth_stt.engines.errors import SttError
from hearth_stt.settings import SttSettings
from hearth_stt.snapping import normalise
from hearth_stt.stt_metrics import (
    LATENCY_OBJECTIVE,
    MISSING_WORDS,
    MODEL_LOAD,
    REAL_TIME_FACTOR,
    REFUSED,
    SCORED,
    SNAPPED,
    TRANSCRIPTS_CUT,
    UNSURE,
    VOCABULARY_WORDS,
    start_counting,
)

log = logging.getLogger(__name__)
MAX_LEAD_IN_S = 2.0
"""A client's pre-roll is at most policy's preroll_s (≤ 2 s); more is not a lead-in."""


@dataclass
class StreamState:
    """Per-session state, reset in one place: a new stream gets a new one."""

    claims: tokens.SessionClaims
    trace_id: str
    utterance: Utterance
    audio_bytes: int = 0
    decode_s: float = 0.0
    partial: str = ""

    @property
    def audio_s(self) -> float:
        return pcm.seconds(self.audio_bytes)


class SttService(Service):
    name = "stt"
    grpc_service_names = ("hearth.v1.Stt",)

    def __init__(self, common: CommonSettings, section: SttSettings) -> None:
        super().__init__(common, section)
        self.settings = section
        self.engine: SttEngine | None = None
        self.key = b""
        self.ledger = tokens.TokenLedger()
        self.vocabulary_version = ""
        self.closed_domain = ClosedDomain(closed_domain_options(section))

    async def setup(self) -> None:
        self.key = tokens.load_or_create_key(self.common.secret_path)
        self.ledger = tokens.TokenLedger(self.common.data_path / "stt" / "used_tokens.json")
        if self.ledger.problem:
            log.error("%s", self.ledger.problem)
        started = time.perf_counter()
        try:
            self.engine = await asyncio.to_thread(
                choose_engine, self.settings, self.common.data_path
            )
        except (ModelError, RegistryError, SttError) as exc:
            raise StartupError(str(exc)) from exc
        load_s = time.perf_counter() - started
        MODEL_LOAD.set(load_s)
        LATENCY_OBJECTIVE.set(self.engine.latency_objective_s)
        start_counting(
            self.engine.scores_sentences and self.settings.rescore_candidates > 0,
            SCORE_OUTCOMES,
        )
        log.info(
            "stt engine %s (%s, %s mode) loaded in %.2f s",
            self.engine.name,
            self.engine.language,
            self.engine.mode,
            load_s,
        )

    def servicers(self) -> Sequence[rpc.AddServicer]:
        api = SttApi(self)
        return (lambda server: stt_pb2_grpc.add_SttServicer_to_server(api, server),)

    def subscriptions(self) -> Sequence[Sub]:
        return (Sub.to(topics.VOCABULARY, self.on_vocabulary, "vocabulary"),)

    def offers(self) -> events_pb2.Offers:
        assert self.engine is not None
        return events_pb2.Offers(
            stt=events_pb2.SttOffers(
                engine=self.engine.name,
                language=self.engine.language,
                mode=self.engine.mode,
                vocabulary=self.vocabulary_version,
            )
        )

    async def on_vocabulary(self, _topic: str, message: events_pb2.Vocabulary) -> None:
        assert self.engine is not None
        if message.language != self.engine.language:
            self.reject(
                "vocabulary",
                "wrong_language",
                f"vocabulary for {message.language!r} but stt speaks {self.engine.language!r}",
            )
            return
        if not message.sentences:
            self.reject("vocabulary", "empty", "vocabulary without sentences")
            return
        if message.version and message.version == self.vocabulary_version:
            return
        vocabulary = Vocabulary(
            language=message.language,
            sentences=tuple(message.sentences),
            words=tuple(message.words),
            names=tuple(message.names),
            meanings=self.meanings_of(message),
        )
        started = time.perf_counter()
        report = await asyncio.to_thread(self.engine.set_vocabulary, vocabulary)
        await asyncio.to_thread(self.closed_domain.set_vocabulary, vocabulary)
        self.vocabulary_version = message.version
        MISSING_WORDS.set(len(report.missing_words))
        VOCABULARY_WORDS.set(report.accepted_words)
        log.info(
            "vocabulary %s: %d sentences, %d words usable, %d missing from the model, applied in "
            "%.2f s",
            message.version[:8] or "(unversioned)",
            len(vocabulary.sentences),
            report.accepted_words,
            len(report.missing_words),
            time.perf_counter() - started,
        )
        await (
            self.publish_status()
        )  # the status now names the vocabulary in use, so tools can tell stt is ready
        if report.missing_words:
            log.warning(
                "%d vocabulary words are not in the %s model's lexicon and cannot be recognised "
                "(see hearth_stt_vocabulary_missing_words)",
                len(report.missing_words),
                self.engine.name,
            )

    def meanings_of(self, message: events_pb2.Vocabulary) -> tuple[str, ...]:
        """Each sentence's meaning from the event's table; none (every sentence its own meaning)
        when the table does not fit the sentences, which is logged and counted."""
        if not message.meaning_of:
            return ()
        table = list(message.meanings)
        if len(message.meaning_of) != len(message.sentences) or any(
            number >= len(table) for number in message.meaning_of
        ):
            self.reject(
                "vocabulary",
                "bad_meanings",
                "vocabulary meanings do not fit its sentences; sentences are compared by words",
            )
            return ()
        return tuple(table[number] for number in message.meaning_of)

    def understand(self, result: FinalResult) -> Understood:
        """The transcript to publish (blocking, a few ms): in grammar mode only vocabulary
        sentences, or what the intent service must match exactly; in open mode what was heard.
        Never longer than events.MAX_TRANSCRIPT_CHARS."""
        understood = self._understand(result)
        if len(understood.text) <= events.MAX_TRANSCRIPT_CHARS:
            return understood
        log.warning(
            "transcript of %d characters cut to the %d-character limit",
            len(understood.text),
            events.MAX_TRANSCRIPT_CHARS,
        )
        TRANSCRIPTS_CUT.inc()
        return replace(understood, text=events.cut_transcript(understood.text))

    def _understand(self, result: FinalResult) -> Understood:
        assert self.engine is not None
        if self.engine.mode != "grammar":
            text = normalise(result.text, self.settings.wake_phrases)
            return Understood(text, False, None)
        understood = self.closed_domain.understand(result)
        if understood.scored:
            SCORED.labels(understood.scored).inc()
        if understood.unsure:
            UNSURE.inc()
        elif understood.text:
            exact = understood.snapped and understood.distance == 0.0
            SNAPPED.labels("exact" if exact else "snapped" if understood.snapped else "not").inc()
        return understood

    def publish_transcript(
        self,
        state: StreamState,
        result: FinalResult,
        understood: Understood,
        end_of_speech_at: float,
    ) -> None:
        assert self.engine is not None
        site = state.claims.site
        self.bus.publish(
            topics.TRANSCRIPT.topic(site),
            events_pb2.Transcript(
                header=events.header(
                    self.name,
                    site=site,
                    session_id=state.claims.session_id,
                    trace_id=state.trace_id,
                ),
                text=understood.text,
                confidence=result.confidence or 0.0,
                engine=result.engine or self.engine.name,
                language=self.engine.language,
                mode=self.engine.mode,
                end_of_speech_at=events.timestamp_from_seconds(end_of_speech_at),
                audio_s=state.audio_s,
                snapped=understood.snapped,
                snap_distance=understood.distance or 0.0,
            ),
        )


class SttApi(stt_pb2_grpc.SttServicer):
    """gRPC face of the stt service."""

    def __init__(self, service: SttService) -> None:
        self.service = service
        self.gate = Gate("stt")

    async def Transcribe(
        self,
        request_iterator: AsyncIterator[stt_pb2.TranscribeRequest],
        context: grpc.aio.ServicerContext,
    ) -> AsyncIterator[stt_pb2.TranscribeResponse]:
        service = self.service
        first = await anext(aiter(request_iterator), None)
        state = await self._open(first, context)
        log.info("session started on site %s", state.claims.site)
        end_of_speech = False
        async for request in request_iterator:
            if request.HasField("end"):
                break
            if not request.HasField("audio"):
                continue
            update = await self._accept(state, request.audio.pcm, context)
            if update.partial and update.partial != state.partial:
                state.partial = update.partial
                yield stt_pb2.TranscribeResponse(
                    partial=stt_pb2.PartialTranscript(text=update.partial)
                )
            if update.end_of_speech:
                end_of_speech = True
                break
            if state.audio_s > state.claims.max_length_s + 1.0:
                service.reject(
                    "audio",
                    "too_long",
                    f"session on site {state.claims.site} exceeded its maximum length",
                )
                break
        yield await self._finish(state, end_of_speech)

    async def _open(
        self, first: stt_pb2.TranscribeRequest | None, context: grpc.aio.ServicerContext
    ) -> StreamState:
        service = self.service
        assert service.engine is not None
        if first is None or not first.HasField("start"):
            await self._refuse(
                context, "missing", "the first message must be TranscribeStart with a session token"
            )
        start = first.start  # type: ignore[union-attr]
        await self.gate.allow(context, "Transcribe", ("audio",), start.site)
        try:
            claims = tokens.verify(service.key, start.session_token, start.site)
            await asyncio.to_thread(service.ledger.redeem, claims)
        except tokens.TokenError as exc:
            await self._refuse(context, exc.reason, f"session refused: {exc}")
        fmt = start.format
        if (fmt.sample_rate, fmt.sample_width, fmt.channels) != (
            pcm.SAMPLE_RATE,
            pcm.SAMPLE_WIDTH,
            pcm.CHANNELS,
        ):
            service.reject(
                "transcribe_stream", "bad_format", "audio format is not 16000 Hz 16-bit mono"
            )
            await context.abort(
                grpc.StatusCode.INVALID_ARGUMENT, "audio must be 16000 Hz, 16-bit, mono"
            )
        metrics.MESSAGES_IN.labels("stt", "session").inc()
        lead_in_s = min(max(start.lead_in_s, 0.0), MAX_LEAD_IN_S)
        utterance = await asyncio.to_thread(service.engine.open_utterance, lead_in_s)
        return StreamState(
            claims=claims, trace_id=start.trace_id or events.new_trace_id(), utterance=utterance
        )

    async def _refuse(self, context: grpc.aio.ServicerContext, reason: str, detail: str) -> None:
        REFUSED.labels(reason).inc()
        self.service.reject("transcribe_stream", reason, detail)
        await context.abort(grpc.StatusCode.PERMISSION_DENIED, detail)

    async def _accept(
        self, state: StreamState, audio: bytes, context: grpc.aio.ServicerContext
    ) -> Update:
        service = self.service
        if len(audio) > service.settings.max_chunk_bytes:
            service.reject("audio_chunk", "oversized", f"audio chunk of {len(audio)} bytes")
            await context.abort(
                grpc.StatusCode.INVALID_ARGUMENT,
                f"audio chunks may be at most {service.settings.max_chunk_bytes} bytes",
            )
        if state.audio_bytes == 0:
            metrics.HOP_LATENCY.labels("session_to_stt").observe(
                max(0.0, time.time() - state.claims.issued_at)
            )
        state.audio_bytes += len(audio)
        started = time.perf_counter()
        update = await asyncio.to_thread(state.utterance.accept, audio)
        state.decode_s += time.perf_counter() - started
        return update

    async def _finish(self, state: StreamState, end_of_speech: bool) -> stt_pb2.TranscribeResponse:
        service = self.service
        end_at = time.time()
        started = time.perf_counter()
        result = await asyncio.to_thread(state.utterance.finish)
        understood = await asyncio.to_thread(service.understand, result)
        finish_s = time.perf_counter() - started
        state.decode_s += finish_s
        metrics.STAGE_DURATION.labels("stt", "final_decode").observe(finish_s)
        metrics.HOP_LATENCY.labels("end_of_speech_to_transcript").observe(time.time() - end_at)
        if state.audio_s > 0:
            REAL_TIME_FACTOR.observe(state.decode_s / state.audio_s)
        service.publish_transcript(state, result, understood, end_at)
        log.info(
            "session on site %s: %.2f s of audio, %d words, %s, decoded in %.0f ms after the end",
            state.claims.site,
            state.audio_s,
            len(understood.text.split()),
            "end of speech" if end_of_speech else "audio ended",
            finish_s * 1000,
        )
        return stt_pb2.TranscribeResponse(
            final=stt_pb2.FinalTranscript(
                text=understood.text,
                confidence=result.confidence or 0.0,
                end_of_speech_at=events.timestamp_from_seconds(end_at),
                audio_s=state.audio_s,
                end_of_speech=end_of_speech,
            )
        )
