"""Wake-word engines: the interface (``base``) and the engines that ship with Hearth, by name in
``registry``."""

from hearth_wake.engines.base import WakeEngine, WakeHit, WakeStream
from hearth_wake.engines.errors import WakeModelError

__all__ = ["WakeEngine", "WakeHit", "WakeModelError", "WakeStream"]
