"""The policy service: the single authority for mute, capture grants and sessions."""

from collections.abc import Callable

SERVICE = "policy"
"""The service's name: producer of its events and label of its shared metrics."""

Reject = Callable[[str, str, str], None]
"""`Service.reject(kind, reason, detail)`: one log line and one metric for refused input."""
