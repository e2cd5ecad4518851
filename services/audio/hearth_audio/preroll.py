"""A ring of recent audio addressed by absolute sample offsets, so a session can start a little
before the wake word's end and lose nothing captured while policy was being asked."""

from __future__ import annotations

from collections import deque

from hearth.pcm import SAMPLE_RATE, SAMPLE_WIDTH


class AudioRing:
    """Holds at most capacity_s of audio; older audio is forgotten (it must never reach stt)."""

    def __init__(self, capacity_s: float) -> None:
        self.capacity_bytes = int(capacity_s * SAMPLE_RATE) * SAMPLE_WIDTH
        self.chunks: deque[tuple[int, bytes]] = deque()
        self.size = 0
        self.end_sample = 0  # absolute offset of the next sample to arrive

    def append(self, pcm: bytes) -> None:
        self.chunks.append((self.end_sample, pcm))
        self.size += len(pcm)
        self.end_sample += len(pcm) // SAMPLE_WIDTH
        while self.size - len(self.chunks[0][1]) >= self.capacity_bytes:
            _, old = self.chunks.popleft()
            self.size -= len(old)

    @property
    def start_sample(self) -> int:
        return self.chunks[0][0] if self.chunks else self.end_sample

    def since(self, sample: int) -> bytes:
        """Audio from absolute offset `sample` to now (clamped to what is still held)."""
        sample = max(sample, self.start_sample)
        parts = []
        for offset, pcm in self.chunks:
            end = offset + len(pcm) // SAMPLE_WIDTH
            if end <= sample:
                continue
            skip = max(0, sample - offset) * SAMPLE_WIDTH
            parts.append(pcm[skip:])
        return b"".join(parts)

    def clear(self) -> None:
        """Forget everything (mute): nothing from before a mute may reach a later session."""
        self.chunks.clear()
        self.size = 0
