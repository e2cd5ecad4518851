"""End of an utterance from a voice activity detector, for engines that have no endpointing of
their own (pocketsphinx streams, Whisper decodes whole utterances).

It uses PocketSphinx's WebRTC-style VAD, which the stt extra installs anyway: 30 ms frames, a run of
speech frames, then ``end_silence_s`` of non-speech.

The VAD judges by absolute level, so a quiet talker (across the room from a microphone without
automatic gain) went unheard: of the recognition benchmark's 48 utterances in its "far" condition
(4 m away, 20 dB quieter, 20 dB over the room's noise; four voice families), it cut 6 off before
their last word ("Turn on the lights and…") and never heard 2 start, and those commands were lost.
While an utterance stays quiet, a frame well above the room's noise floor counts as speech too
(``QUIET_SPEECH_RMS``, ``ABOVE_FLOOR``); once it is loud, the VAD alone decides, as before.
Amplifying the audio for the VAD instead was tried and refused: the VAD adapts to what it is fed,
and with a gain that changes as the talker is heard it missed espeak-ng's far commands altogether.
"""

from __future__ import annotations

from collections import deque

import numpy as np

from hearth.pcm import SAMPLE_RATE

MIN_SPEECH_S = 0.15  # shorter bursts (clicks, breaths) do not count as speech
LOUD_RMS = 1000.0
"""An utterance whose loudest 30 ms frame has reached this RMS (about -30 dBFS) is loud enough for
the VAD alone; below it, the level rule below also hears speech. Commands said near the
microphone peak at 1500-4000."""
QUIET_SPEECH_RMS = 30.0
"""The least RMS (about -61 dBFS) a frame needs to count as speech by level: a far command's
syllables measured 50-500, a quiet room's noise 3-15."""
ABOVE_FLOOR = 4.0
"""How far (12 dB) above the room's noise floor, the quietest frame of the last
``FLOOR_WINDOW_S``, a frame must be to count as speech by level. Steady noise does not swing
that far from frame to frame (pink and white noise from RMS 3 to 750 never start an utterance)."""
FLOOR_WINDOW_S = 2.0


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
        self._loudest = 0.0
        self._recent_levels: deque[float] = deque(maxlen=max(1, round(FLOOR_WINDOW_S / frame_s)))
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
            self._step(self._is_speech(frame))
        return self.ended

    def _is_speech(self, frame: bytes) -> bool:
        """The VAD's verdict, or, while the utterance is quiet, a level well above the noise.
        Once the utterance has been loud the level is never consulted again, so it is not
        measured."""
        speech = bool(self._vad.is_speech(frame))
        if self._loudest >= LOUD_RMS:
            return speech
        samples = np.frombuffer(frame, dtype="<i2").astype(np.float32)
        level = float(np.sqrt(np.mean(samples * samples)))
        self._loudest = max(self._loudest, level)
        self._recent_levels.append(max(level, QUIET_SPEECH_RMS / ABOVE_FLOOR))
        if speech or self._loudest >= LOUD_RMS:
            return speech
        return level >= max(QUIET_SPEECH_RMS, min(self._recent_levels) * ABOVE_FLOOR)

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
