"""Wake-word engines: the interface and the implementations that ship with Hearth."""

from hearth_wake.engines.base import WakeEngine, WakeHit, WakeModelError, WakeStream

__all__ = ["WakeEngine", "WakeHit", "WakeModelError", "WakeStream"]
