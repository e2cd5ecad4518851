"""The policy service: the single authority for mute, capture grants and sessions."""
