"""An energy endpointer that cuts a never-ending stream into stretches of sound, for engines that
decode whole utterances.

Both spotting engines (PocketSphinx's keyphrase search and Vosk's grammar spotting) decode
better, and far cheaper, when they see one utterance at a time: PocketSphinx needs whole
utterances for its batch normalisation, and Vosk then costs CPU only while someone (or
something) is making sound, not for every second of a quiet room.

A frame is loud when it is ``FLOOR_RATIO`` times the room's tracked noise floor (and above
``MIN_LEVEL``); ``PAUSE_FRAMES`` of quiet end a segment; ``PREROLL_FRAMES`` before the first loud
frame are kept because onsets are quiet; continuous sound is cut every ``MAX_SEGMENT_S`` keeping
``OVERLAP_S``, so a phrase across the cut is still seen whole in the next segment.
"""

from __future__ import annotations

from abc import abstractmethod
from dataclasses import dataclass

import numpy as np

from hearth.pcm import SAMPLE_RATE
from hearth_wake.engines.base import WakeHit, WakeStream
from hearth_wake.engines.input_checks import check_pcm

FRAME = SAMPLE_RATE // 100  # 10 ms
PAUSE_FRAMES = 25  # 250 ms of quiet ends an utterance
PREROLL_FRAMES = 30  # keep 300 ms before the first loud frame: onsets are quiet
MAX_SEGMENT_S = 4.0  # continuous sound longer than this is decoded anyway ...
OVERLAP_S = 1.5  # ... keeping this much so a phrase across the cut is still seen whole
MIN_LEVEL = 60.0  # RMS (int16) below which a frame is quiet whatever the room's noise floor
FLOOR_RATIO = 3.0  # a frame is loud when it is this many times the room's noise floor


@dataclass(frozen=True)
class Segment:
    """A stretch of sound to decode whole; ``first_sample`` is its offset in the stream."""

    first_sample: int
    audio: np.ndarray


class EnergySegmenter:
    """Per-stream endpointing state: feed samples, get the segments they completed."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self._rest = np.zeros(0, np.int16)  # samples short of a whole 10 ms frame
        self._frames: list[np.ndarray] = []  # the current utterance (or the pre-roll before one)
        self._first_sample = 0  # stream offset of self._frames[0]
        self._consumed = 0  # samples framed so far
        self._active = False
        self._quiet = 0
        self._floor: float | None = None

    def feed(self, pcm: np.ndarray) -> list[Segment]:
        audio = np.concatenate([self._rest, check_pcm(pcm)])
        whole = audio.size // FRAME * FRAME
        self._rest = audio[whole:].copy()
        segments: list[Segment] = []
        for frame in audio[:whole].reshape(-1, FRAME):
            segment = self._frame(frame)
            if segment is not None:
                segments.append(segment)
        return segments

    def _frame(self, frame: np.ndarray) -> Segment | None:
        if not self._frames:
            self._first_sample = self._consumed
        self._frames.append(frame)
        self._consumed += FRAME
        level = float(np.sqrt(np.mean(frame.astype(np.float64) ** 2)))
        loud = level > max(
            MIN_LEVEL, FLOOR_RATIO * (self._floor if self._floor is not None else 0.0)
        )
        if not loud:  # track the room's noise floor on quiet frames only
            self._floor = level if self._floor is None else 0.95 * self._floor + 0.05 * level
        if not self._active:
            if loud:
                self._active, self._quiet = True, 0
            elif len(self._frames) > PREROLL_FRAMES:
                self._frames.pop(0)
                self._first_sample += FRAME
            return None
        self._quiet = 0 if loud else self._quiet + 1
        if self._quiet >= PAUSE_FRAMES:
            segment = Segment(self._first_sample, np.concatenate(self._frames))
            self._frames, self._active = [], False
            return segment
        if len(self._frames) * FRAME >= MAX_SEGMENT_S * SAMPLE_RATE:
            segment = Segment(self._first_sample, np.concatenate(self._frames))
            keep = int(OVERLAP_S * SAMPLE_RATE) // FRAME
            self._first_sample += (len(self._frames) - keep) * FRAME
            self._frames = self._frames[-keep:]
            return segment
        return None


class SegmentedStream(WakeStream):
    """A wake stream that decodes each stretch of sound whole, with the refractory period applied
    across them."""

    def __init__(self, refractory_samples: int) -> None:
        self._refractory_samples = refractory_samples
        self._segmenter = EnergySegmenter()
        self._quiet_until = 0

    def reset(self) -> None:
        self._segmenter.reset()
        self._quiet_until = 0

    def process(self, pcm: np.ndarray) -> list[WakeHit]:
        hits = []
        for segment in self._segmenter.feed(pcm):
            for hit in self.decode(segment):
                if hit.end_sample < self._quiet_until:
                    continue
                self._quiet_until = hit.end_sample + self._refractory_samples
                hits.append(hit)
        return hits

    @abstractmethod
    def decode(self, segment: Segment) -> list[WakeHit]:
        """The phrases heard in one segment, in order, before the refractory period is applied."""
