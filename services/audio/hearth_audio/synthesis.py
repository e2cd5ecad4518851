"""One answer's stream from the tts service: the first response names the format, then samples
arrive sentence by sentence. A reader task takes them as fast as they come, so the next sentence
is synthesised while the first one plays."""

from __future__ import annotations

import asyncio
import contextlib

import grpc

from hearth.v1 import tts_pb2, tts_pb2_grpc

_END = b""


class SynthesisError(Exception):
    """Synthesis failed: `reason` is a metric label named here, the message a clear detail."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


_REASONS = {
    grpc.StatusCode.NOT_FOUND: "unknown_voice",
    grpc.StatusCode.INVALID_ARGUMENT: "text_refused",
    grpc.StatusCode.UNAVAILABLE: "tts_unreachable",
    grpc.StatusCode.DEADLINE_EXCEEDED: "tts_unreachable",
    grpc.StatusCode.PERMISSION_DENIED: "tts_refused",
    grpc.StatusCode.UNAUTHENTICATED: "tts_refused",
}


def synthesis_error(exc: grpc.aio.AioRpcError, endpoint: str) -> SynthesisError:
    reason = _REASONS.get(exc.code(), "tts_failed")
    details = exc.details() or exc.code().name
    if reason == "tts_unreachable":
        return SynthesisError(reason, f"tts service unreachable at {endpoint} ({details})")
    return SynthesisError(reason, f"tts: {details}")


class Synthesis:
    def __init__(
        self,
        tts: tts_pb2_grpc.TtsStub,
        request: tts_pb2.SynthesizeRequest,
        endpoint: str,
        timeout_s: float,
    ) -> None:
        """timeout_s bounds each wait for the tts service's next message, not the whole answer
        (a long answer takes long to synthesise, a stalled service must not hold the site)."""
        self.endpoint = endpoint
        self.timeout_s = timeout_s
        self.rate = 0
        self.voice = ""
        self._call = tts.Synthesize(request)
        self._pieces: asyncio.Queue[bytes | SynthesisError] = asyncio.Queue()
        self._reader: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Wait for the format; raises SynthesisError when the request is refused or fails."""
        first = await self._read()
        if first is None or not first.format.sample_rate:
            raise SynthesisError("tts_failed", "tts: the stream did not start with a format")
        if first.format.sample_width not in (0, 2) or first.format.channels not in (0, 1):
            raise SynthesisError("tts_failed", "tts: audio is not 16-bit mono")
        self.rate = first.format.sample_rate
        self.voice = first.voice
        if first.pcm:
            self._pieces.put_nowait(first.pcm)
        self._reader = asyncio.create_task(self._read_all())

    async def next(self) -> bytes | None:
        """The next samples, or None at the end; raises SynthesisError if the stream broke."""
        piece = await self._pieces.get()
        if isinstance(piece, SynthesisError):
            raise piece
        return piece or None

    async def _read(self) -> tts_pb2.SynthesizeResponse | None:
        try:
            async with asyncio.timeout(self.timeout_s):
                response = await self._call.read()
        except grpc.aio.AioRpcError as exc:
            raise synthesis_error(exc, self.endpoint) from None
        except TimeoutError:
            raise SynthesisError(
                "tts_unreachable",
                f"tts service at {self.endpoint} sent nothing for {self.timeout_s:.0f} s",
            ) from None
        if response is grpc.aio.EOF:  # type: ignore[attr-defined]
            return None
        assert isinstance(response, tts_pb2.SynthesizeResponse)
        return response

    async def _read_all(self) -> None:
        try:
            while (response := await self._read()) is not None:
                if response.pcm:
                    self._pieces.put_nowait(response.pcm)
            self._pieces.put_nowait(_END)
        except SynthesisError as exc:
            self._pieces.put_nowait(exc)

    async def close(self) -> None:
        self._call.cancel()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
