"""The audio service: runs one site's pipeline (capture → wake → session → stt) as a Hearth
service."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from hearth.service import Service, StartupError
from hearth.settings import CommonSettings
from hearth.v1 import events_pb2
from hearth_audio.pipeline import SitePipeline
from hearth_audio.settings import AudioSettings
from hearth_audio.sources import AudioSource, FileSource, MicSource
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


class AudioService(Service):
    name = "audio"

    def __init__(self, common: CommonSettings, section: AudioSettings) -> None:
        super().__init__(common, section)
        self.settings = section
        self.pipeline: SitePipeline | None = None
        self._capture: asyncio.Task[None] | None = None

    async def setup(self) -> None:
        if self.settings.site not in self.common.sites:
            raise StartupError(
                f"audio.site {self.settings.site!r} is not one of the configured sites: "
                f"{', '.join(self.common.sites)}"
            )
        source = build_source(self.settings)
        if source is None:
            log.info("site %s: no audio source configured (audio.source: none)", self.settings.site)
            return
        self.pipeline = SitePipeline(
            self.common, self.settings, source, f"audio@{self.settings.instance}", self.identity
        )
        await self.pipeline.start()
        self._capture = asyncio.create_task(self.pipeline.capture())

    def offers(self) -> events_pb2.Offers:
        return events_pb2.Offers(
            audio=events_pb2.AudioOffers(site=self.settings.site, source=self.settings.source)
        )

    async def teardown(self) -> None:
        if self._capture is not None:
            self._capture.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._capture
        if self.pipeline is not None:
            await self.pipeline.close()
