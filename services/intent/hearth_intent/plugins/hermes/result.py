"""What the Hermes bridge mirrors of one command: the intent service's decision, as the observer
hooks (`hearth_intent_recognized`, `hearth_intent_not_recognized`) report it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from hearth.plugins import Slot


@dataclass(frozen=True)
class IntentResult:
    """What the intent service made of one transcript or text query, after the handler ran."""

    intent: str | None
    """The intent recognised; None when nothing matched."""
    slots: Mapping[str, Slot] = field(default_factory=dict)
    text: str = ""
    """What was said (never logged by Hearth)."""
    site: str = ""
    session_id: str = ""
    """Empty for a text query."""
    language: str = "en"
    speech: str = ""
    """What Hearth answers (the handler's speech, or the apology)."""

    @property
    def recognized(self) -> bool:
        return self.intent is not None
