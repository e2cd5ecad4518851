"""The audio service: captures a site's microphone only while policy grants it, streams to wake,
and to stt inside sessions."""
