"""The speech (text-to-speech) service: spoken answers, streamed sentence by sentence."""
