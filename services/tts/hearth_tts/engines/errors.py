"""What an engine raises; the message is meant for the owner (or, for an unknown voice, the
caller)."""


class TtsError(Exception):
    """An engine or a voice cannot be loaded, or a synthesis failed."""


class VoiceNotFoundError(TtsError):
    """No installed voice has that name."""
