"""End of an utterance from a voice activity detector, for engines that have no endpointing of
their own (pocketsphinx streams, Whisper decodes whole utterances).

It uses PocketSphinx's WebRTC-style VAD, which the stt extra installs anyway: 30 ms frames, a run of
speech frames, then ``end_silence_s`` of non-speech.
"""

from __future__ import annotations

from hearth.pcm import SAMPLE_RATE

MIN_SPEECH_S = 0.15  # shorter bursts (clicks, breaths) do not count as speech


class VadEndpointer:
    """Speech, then ``end_silence_s`` of non-speech, by 30 ms VAD frames. Speech within the first
    ``lead_in_s`` (the pre-roll: the wake phrase's tail) does not start the utterance unless it
    goes on past it, so a pause after the wake word is not the end of the command."""

    def __init__(self, end_silence_s: float, lead_in_s: float = 0.0) -> None:
        from pocketsphinx import Vad

        self._vad = Vad(Vad.MEDIUM_STRICT, SAMPLE_RATE)  # LOOSE calls low room noise speech
        self._frame_bytes = self._vad.frame_bytes
        frame_s = self._vad.frame_length
        self._speech_frames_needed = max(1, round(MIN_SPEECH_S / frame_s))
        self._silence_frames_needed = max(1, round(end_silence_s / frame_s))
        self._lead_in_frames = max(0, round(lead_in_s / frame_s))
        self._frames_seen = 0
        self._buffer = b""
        self._speech_run = 0
        self._silence_run = 0
        self.speech_started = False
        self.ended = False

    def feed(self, pcm: bytes) -> bool:
        """Consume audio; True once the end of speech has been seen."""
        self._buffer += pcm
        while len(self._buffer) >= self._frame_bytes and not self.ended:
            frame, self._buffer = (
                self._buffer[: self._frame_bytes],
                self._buffer[self._frame_bytes :],
            )
            self._step(self._vad.is_speech(frame))
        return self.ended

    def _step(self, speech: bool) -> None:
        self._frames_seen += 1
        if self._frames_seen <= self._lead_in_frames:
            return  # the wake phrase's tail: neither the command's start nor its end
        if speech:
            self._speech_run += 1
            self._silence_run = 0
            if self._speech_run >= self._speech_frames_needed:
                self.speech_started = True
            return
        self._speech_run = 0
        self._silence_run += 1
        if self.speech_started and self._silence_run >= self._silence_frames_needed:
            self.ended = True
