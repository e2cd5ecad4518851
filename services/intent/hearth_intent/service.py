"""The intent service: matches final transcripts to intents with hassil, runs the handler the
enabled plugins bring for the intent (docs/plugins.md), and publishes the vocabulary the stt grammar
should accept whenever it changes (the plugins' sentences included).
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import logging
import re
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any, TypeVar

import grpc
from google.protobuf import struct_pb2

from hearth import events, metrics, rpc, speech, topics
from hearth.access import Gate
from hearth.plugins import Response, SpeechFinished
from hearth.service import Service, Sub
from hearth.settings import CommonSettings
from hearth.v1 import common_pb2, events_pb2, intent_pb2, intent_pb2_grpc, policy_pb2_grpc
from hearth_intent.granted_sessions import GrantedSessions
from hearth_intent.home import Device
from hearth_intent.intent_data import PluginSentences
from hearth_intent.intent_metrics import OUTCOMES
from hearth_intent.matcher import IntentMatch, IntentMatcher
from hearth_intent.plugin_host import PluginRuntime
from hearth_intent.plugin_loading import PluginSet
from hearth_intent.privacy_operations import PolicyPrivacy
from hearth_intent.settings import IntentSettings
from hearth_intent.vocabulary_store import VocabularyStore

log = logging.getLogger(__name__)

VOCABULARY_HEADROOM_BYTES = 4096
EVENT_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,40}")
"""A plugin event's name is a topic segment: short, lowercase, no separators."""
T = TypeVar("T")


class IntentService(Service):
    name = "intent"
    grpc_service_names = ("hearth.v1.Intent",)

    def __init__(self, common: CommonSettings, section: IntentSettings) -> None:
        super().__init__(common, section)
        self.settings = section
        self.matcher: IntentMatcher | None = None
        self.vocabulary = events_pb2.Vocabulary()
        self._policy_channel: grpc.aio.Channel | None = None
        self.policy: policy_pb2_grpc.PolicyStub | None = None
        self.sessions = GrantedSessions()
        """Transcripts are acted on only for sessions policy started."""
        self.plugins = PluginSet(section.plugins)
        self.runtime = PluginRuntime(
            self.plugins,
            language=section.language,
            sites=tuple(common.sites),
            settings=section.plugin_settings,
            timeout_s=section.plugin_timeout_s,
            data_root=common.data_path,
            publish=self.publish_plugin_event,
            refresh=self.refresh_sentences,
            publish_external=self.publish_external,
            say=self.say_for_plugin,
        )
        self.plugin_sentences: list[PluginSentences] = []
        self._rebuilding = asyncio.Lock()
        self._connected = False

    async def setup(self) -> None:
        started = time.perf_counter()
        await asyncio.to_thread(self.plugins.load)
        await self.runtime.start()
        log.info("intent plugins running: %s", ", ".join(self.plugins.running()) or "none")
        self._policy_channel = rpc.open_channel(
            self.common.endpoints.policy, self.common.grpc_max_message_bytes, self.identity
        )
        self.policy = policy_pb2_grpc.PolicyStub(self._policy_channel)
        self.plugin_sentences = await asyncio.to_thread(
            self.plugins.collect_sentences, self.settings.language
        )
        self.matcher = await asyncio.to_thread(self._build_matcher)
        self.vocabulary = await asyncio.to_thread(self._fitting_vocabulary)
        log.info(
            "intents for %r ready in %.2f s: vocabulary %s with %d sentences and %d words",
            self.settings.language,
            time.perf_counter() - started,
            self.vocabulary.version,
            len(self.vocabulary.sentences),
            len(self.vocabulary.words),
        )

    async def refresh_sentences(self) -> None:
        """Rebuild the matcher and vocabulary from the plugins' current sentences and slot lists
        (a plugin asked); stt gets the new vocabulary when it changed."""
        if self.matcher is None:
            return  # still starting: the first build takes everything in
        async with self._rebuilding:
            self.plugin_sentences = await asyncio.to_thread(
                self.plugins.collect_sentences, self.settings.language
            )
            self.matcher = await asyncio.to_thread(self._build_matcher)
            vocabulary = await asyncio.to_thread(self._fitting_vocabulary)
            if vocabulary.version == self.vocabulary.version:
                return
            self.vocabulary = vocabulary
            log.info("vocabulary %s after a plugin's refresh", vocabulary.version)
            if self._connected:
                await self.on_bus_connected()
                await self.publish_status()

    async def publish_plugin_event(
        self, plugin: str, site: str, name: str, data: Mapping[str, Any]
    ) -> None:
        """A plugin's event on hearth/v1/plugin/<plugin>/<site>/<name>."""
        if site not in self.common.sites:
            raise ValueError(f"unknown site {site!r}")
        if not EVENT_NAME.fullmatch(name):
            raise ValueError(f"event name {name!r}: lowercase letters, digits, - or _")
        payload = struct_pb2.Struct()
        payload.update(dict(data))
        message = events_pb2.PluginEvent(
            header=events.header(self.name, site=site), plugin=plugin, name=name, data=payload
        )
        self.bus.publish(topics.PLUGIN_EVENT.topic(plugin, site, name), message)

    async def publish_external(self, topic: str, data: Mapping[str, Any]) -> None:
        """A plugin's JSON object on a topic outside hearth/v1 (the host checked the prefix)."""
        payload = struct_pb2.Struct()
        payload.update(dict(data))
        self.bus.publish(topic, payload, kind="plugin_external")

    async def say_for_plugin(self, site: str, text: str, chime: bool, purpose: str) -> str:
        """A plugin's say request outside a command (the host checked it); its say_id."""
        request = speech.say_request(self.name, site, text, purpose=purpose, chime=chime)
        self.bus.publish(topics.SAY.topic(site), request)
        return request.say_id

    def say_answer(
        self, head: common_pb2.EventHeader, text: str, purpose: str, continues: bool = False
    ) -> None:
        """Speak a command's answer at the site it was heard at, in its session and trace (so
        audio can ask policy to follow that session up when `continues`)."""
        problem = speech.refusal(head.site, text, self.common.sites, purpose)
        if problem:
            log.warning("site %s: the %s is not said: %s", head.site, purpose, problem)
            return
        request = speech.say_request(
            self.name,
            head.site,
            text,
            purpose=purpose,
            continue_conversation=continues,
            session_id=head.session_id,
            trace_id=head.trace_id,
        )
        self.bus.publish(topics.SAY.topic(head.site), request)

    async def teardown(self) -> None:
        await self.runtime.stop()
        if self._policy_channel is not None:
            await self._policy_channel.close(None)

    def _fitting_vocabulary(self) -> events_pb2.Vocabulary:
        """The largest vocabulary (up to the configured bound) whose event fits in one MQTT
        message."""
        assert self.matcher is not None
        budget = self.common.mqtt.max_payload_bytes - VOCABULARY_HEADROOM_BYTES
        limit = self.settings.max_vocabulary_sentences
        names = self.spoken_names()
        store = VocabularyStore(
            self.settings.vocabulary_store or self.common.data_path / "intent" / "vocabularies"
        )
        while True:
            spoken = self.matcher.spoken_vocabulary(max_sentences=limit, store=store)
            sentences = spoken.sentences
            version = hashlib.sha256("\n".join((*sentences, "", *names)).encode()).hexdigest()[:16]
            meanings = list(dict.fromkeys(spoken.meanings or ()))
            index = {meaning: number for number, meaning in enumerate(meanings)}
            vocabulary = events_pb2.Vocabulary(
                language=self.settings.language,
                sentences=sentences,
                words=spoken.words,
                version=version,
                names=names,
                meaning_of=[index[m] for m in spoken.meanings or ()],
                meanings=meanings,
            )
            size = len(events.encode(vocabulary))
            if size <= budget or limit <= 10:
                return vocabulary
            log.warning(
                "vocabulary of %d sentences is %d bytes, over the MQTT limit; using fewer "
                "sentences",
                len(sentences),
                size,
            )
            limit = max(10, int(limit * budget / size * 0.95))

    def spoken_names(self) -> tuple[str, ...]:
        """The home's device and area names as people say them: what stt should expect to hear."""
        names = (*(d.name for d in self.settings.devices), *self.settings.areas)
        return tuple(dict.fromkeys(" ".join(n.lower().split()) for n in names if n.strip()))

    def _build_matcher(self) -> IntentMatcher:
        devices = [Device(name=d.name, domain=d.domain, area=d.area) for d in self.settings.devices]
        return IntentMatcher(
            self.settings.language,
            intents=self.settings.intents,
            areas=self.settings.areas,
            devices=devices,
            plugins=self.plugin_sentences,
        )

    def servicers(self) -> Sequence[rpc.AddServicer]:
        api = IntentApi(self)
        return (lambda server: intent_pb2_grpc.add_IntentServicer_to_server(api, server),)

    def subscriptions(self) -> Sequence[Sub]:
        return (
            Sub.to(topics.SESSION_STARTED, self.on_session_started, "session_started"),
            Sub.to(topics.TRANSCRIPT, self.on_transcript, "transcript"),
            Sub.to(topics.SPEECH_FINISHED, self.on_speech_finished, "speech_finished"),
        )

    async def on_speech_finished(self, topic: str, finished: events_pb2.SpeechFinished) -> None:
        """Plugins learn how what was said ended (a timer's ring interrupted is acknowledged)."""
        site = topics.site_of(topic)
        if site not in self.common.sites:
            self.reject("speech_finished", "unknown_site", f"speech finished at {site!r}")
            return
        self.runtime.observe_speech_finished(
            SpeechFinished(
                say_id=finished.say_id,
                site=site,
                outcome=events_pb2.SpeechFinished.Outcome.Name(finished.outcome)
                .removeprefix("OUTCOME_")
                .lower(),
                played_s=finished.played_s,
                purpose=finished.purpose,
                detail=finished.detail,
            )
        )

    async def on_session_started(self, topic: str, started: events_pb2.SessionStarted) -> None:
        site = topics.site_of(topic)
        if site in self.common.sites:
            self.sessions.granted(started.header.session_id, site)

    def offers(self) -> events_pb2.Offers:
        return events_pb2.Offers(
            intent=events_pb2.IntentOffers(
                language=self.settings.language, vocabulary=self.vocabulary.version
            )
        )

    async def on_bus_connected(self) -> None:
        self._connected = True
        self.vocabulary.header.CopyFrom(events.header(self.name))
        self.bus.publish(topics.VOCABULARY.topic(), self.vocabulary, retain=True)

    async def on_transcript(self, topic: str, transcript: events_pb2.Transcript) -> None:
        site = topics.site_of(topic) or transcript.header.site
        if site not in self.common.sites:
            self.reject("transcript", "unknown_site", f"transcript for unknown site {site!r}")
            return
        if len(transcript.text) > events.MAX_TRANSCRIPT_CHARS:
            self.reject(
                "transcript",
                "too_long",
                f"transcript of {len(transcript.text)} characters from site {site} (at most "
                f"{events.MAX_TRANSCRIPT_CHARS}; stt never sends more)",
            )
            return
        refusal = await self.sessions.refusal(transcript.header.session_id, site)
        if refusal:
            self.reject("transcript", "unknown_session", f"transcript at site {site}: {refusal}")
            return
        latency = events.seconds_since(transcript.header.sent_at)
        if latency is not None:
            metrics.HOP_LATENCY.labels("transcript_to_intent").observe(latency)
        match, response = await self.understand(
            transcript.text, site=site, session_id=transcript.header.session_id
        )
        answer = response.speech if response is not None else ""
        continues = bool(answer) and response is not None and response.continue_conversation
        head = events.header(
            self.name,
            site=site,
            session_id=transcript.header.session_id,
            trace_id=transcript.header.trace_id,
        )
        if match is None:
            OUTCOMES.labels("not_recognized", "").inc()
            self.bus.publish(
                topics.INTENT_NOT_RECOGNIZED.topic(site),
                events_pb2.IntentNotRecognized(
                    header=head, text=transcript.text, end_of_speech_at=transcript.end_of_speech_at
                ),
            )
            # A false wake that heard nothing stays silent.
            if transcript.text.strip() and self.settings.not_recognized_speech:
                self.say_answer(head, self.settings.not_recognized_speech, "not_recognized")
        else:
            OUTCOMES.labels("recognized", match.intent).inc()
            self.bus.publish(
                topics.INTENT_RECOGNIZED.topic(site),
                events_pb2.IntentRecognized(
                    header=head,
                    intent=match.intent,
                    slots=match.slots,
                    text=transcript.text,
                    speech=answer,
                    end_of_speech_at=transcript.end_of_speech_at,
                    continue_conversation=continues,
                ),
            )
            if answer:
                self.say_answer(head, answer, "answer", continues)
        felt = events.seconds_since(transcript.end_of_speech_at)
        if felt is not None:
            metrics.HOP_LATENCY.labels("end_of_speech_to_intent").observe(felt)
        log.info(
            "site %s: %s",
            site,
            f"intent {match.intent} with slots {sorted(match.slots)}"
            if match
            else "no intent matched",
        )

    async def understand(
        self, text: str, *, site: str, session_id: str = "", spoken: bool = True
    ) -> tuple[IntentMatch | None, Response | None]:
        """Match and run the intent's plugin handler (its Response: None when no plugin handles
        the intent); hassil work runs in a thread so the loop stays responsive."""
        assert self.matcher is not None and self.policy is not None
        started = time.perf_counter()
        recognize = self.matcher.recognize_spoken if spoken else self.matcher.recognize
        area = self.settings.area_of(site) if site else None
        match, recognized_at = await asyncio.to_thread(
            _timed, functools.partial(recognize, text, area=area)
        )
        metrics.STAGE_DURATION.labels("intent", "match").observe(recognized_at - started)
        if match is None:
            self.runtime.observe_not_recognized(text, site, session_id)
            return None, None
        started = time.perf_counter()
        now = datetime.now().astimezone()
        response = await self.runtime.handle(
            match,
            site=site,
            session_id=session_id,
            now=now,
            privacy=PolicyPrivacy(self.policy, self.common.rpc_timeout_s, site, session_id),
        )
        done = time.perf_counter()
        self.runtime.observe_recognized(match, response, site=site, session_id=session_id, now=now)
        metrics.STAGE_DURATION.labels("intent", "handler").observe(done - started)
        # The hop includes the hand-back from the matcher's thread to the loop, which the handler
        # stage does not.
        metrics.HOP_LATENCY.labels("intent_to_handler").observe(done - recognized_at)
        return match, response


def _timed(call: Callable[[], T]) -> tuple[T, float]:
    """Run call and note when it finished (perf_counter), so a hop can start at the moment of
    recognition."""
    result = call()
    return result, time.perf_counter()


class IntentApi(intent_pb2_grpc.IntentServicer):
    """gRPC face of the intent service: direct text queries and the vocabulary."""

    def __init__(self, service: IntentService) -> None:
        self.service = service
        self.gate = Gate("intent")

    async def Recognize(
        self, request: intent_pb2.RecognizeRequest, context: grpc.aio.ServicerContext
    ) -> intent_pb2.RecognizeReply:
        await self.gate.allow(context, "Recognize")
        metrics.MESSAGES_IN.labels("intent", "text_query").inc()
        if len(request.text) > 1000:
            self.service.reject(
                "text_query", "oversized", f"text query of {len(request.text)} characters"
            )
            await context.abort(
                grpc.StatusCode.INVALID_ARGUMENT, "text queries may be at most 1000 characters"
            )
        if request.site and request.site not in self.service.common.sites:
            self.service.reject(
                "text_query", "unknown_site", f"text query for unknown site {request.site!r}"
            )
            await context.abort(grpc.StatusCode.NOT_FOUND, f"unknown site {request.site!r}")
        match, response = await self.service.understand(
            request.text, site=request.site, spoken=False
        )
        if match is None:
            return intent_pb2.RecognizeReply(recognized=False)
        return intent_pb2.RecognizeReply(
            recognized=True,
            intent=match.intent,
            slots=match.slots,
            speech=response.speech if response is not None else "",
        )

    async def GetVocabulary(
        self, request: intent_pb2.GetVocabularyRequest, context: grpc.aio.ServicerContext
    ) -> events_pb2.Vocabulary:
        await self.gate.allow(context, "GetVocabulary", ("stt",))
        return self.service.vocabulary
