"""The wake service: wake-word detection on each site's audio stream; audio never leaves it."""
