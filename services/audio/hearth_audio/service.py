"""The audio service: runs one site's pipeline (capture → wake → session → stt) as a Hearth
service, and speaks the site's answers (say → tts → the site's output)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence

from hearth.bus import Subscription
from hearth.service import Service, StartupError
from hearth.settings import CommonSettings
from hearth.v1 import events_pb2
from hearth_audio import audio_metrics
from hearth_audio.answer_files import AnswerFiles
from hearth_audio.output import Output
from hearth_audio.pipeline import SitePipeline
from hearth_audio.settings import AudioSettings
from hearth_audio.sources import AudioSource, FileSource, MicSource
from hearth_audio.speaker import Speaker
from hearth_audio.wav import AudioFormatError

log = logging.getLogger(__name__)


def build_source(settings: AudioSettings) -> AudioSource | None:
    if settings.source == "mic":
        return MicSource(settings.mic_command, settings.chunk_ms)
    if settings.source == "file":
        if settings.file is None:
            raise StartupError("audio.source is `file` but audio.file is not set")
        source = FileSource(
            settings.file,
            settings.chunk_ms,
            realtime=settings.realtime,
            trailing_silence_s=settings.trailing_silence_s,
        )
        try:
            source.load()
        except AudioFormatError as exc:
            raise StartupError(str(exc)) from exc
        return source
    return None


def answer_files_for(common: CommonSettings, settings: AudioSettings) -> AnswerFiles:
    directory = settings.answers_dir or common.data_path / "answers"
    return AnswerFiles(directory.expanduser(), settings.answer_file_s)


class AudioService(Service):
    name = "audio"

    def __init__(self, common: CommonSettings, section: AudioSettings) -> None:
        super().__init__(common, section)
        self.settings = section
        self.pipeline: SitePipeline | None = None
        self.speaker: Speaker | None = None
        self.answer_files: AnswerFiles | None = None
        self._tasks: list[asyncio.Task[None]] = []

    async def setup(self) -> None:
        site = self.settings.site
        if site not in self.common.sites:
            raise StartupError(
                f"audio.site {site!r} is not one of the configured sites: "
                f"{', '.join(self.common.sites)}"
            )
        audio_metrics.start_counting(site)
        self.speaker = Speaker(
            self.common, self.settings, self.identity, self.bus, self.reject, self._output()
        )
        self._tasks.append(asyncio.create_task(self.speaker.run()))
        source = build_source(self.settings)
        if source is None:
            log.info("site %s: no audio source configured (audio.source: none)", site)
            return
        speaks = self.settings.output != "none"
        self.pipeline = SitePipeline(
            self.common,
            self.settings,
            source,
            f"audio@{self.settings.instance}",
            self.identity,
            stop_speaking=self.speaker.interrupt if speaks else None,
        )
        self.speaker.listener = self.pipeline
        await self.pipeline.start()
        self._tasks.append(asyncio.create_task(self.pipeline.capture()))

    def _output(self) -> Output | None:
        site, kind = self.settings.site, self.settings.output
        if kind == "none":
            log.info("site %s: no output; say requests end as NO_OUTPUT", site)
            return None
        if kind == "file":
            self.answer_files = answer_files_for(self.common, self.settings)
            self.answer_files.expire_left_over(site)
            log.info("site %s: answers are written to %s", site, self.answer_files.path(site))
        return Output(kind, self.settings.player_command, self.answer_files, site)

    def subscriptions(self) -> Sequence[Subscription]:
        assert self.speaker is not None
        return (self.speaker.subscription(),)

    def offers(self) -> events_pb2.Offers:
        return events_pb2.Offers(
            audio=events_pb2.AudioOffers(
                site=self.settings.site, source=self.settings.source, output=self.settings.output
            )
        )

    async def teardown(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self.pipeline is not None:
            await self.pipeline.close()
        if self.speaker is not None:
            await self.speaker.close()
        if self.answer_files is not None:
            self.answer_files.close()
