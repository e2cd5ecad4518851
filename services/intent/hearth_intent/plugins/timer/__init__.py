"""Timers, the built-in plugin `timer`: start, cancel, pause, resume, add or take off time and ask
how much is left, by voice, for several named timers per site. A timer rings by publishing
`hearth/v1/plugin/timer/<site>/finished`, and timers survive a restart of the intent service.

It uses only the public plugin SDK (`hearth.plugins`), like any third-party plugin.
"""

from hearth_intent.plugins.timer.plugin import TimerPlugin

plugin = TimerPlugin()
"""The object the `timer` entry point names."""

__all__ = ["TimerPlugin", "plugin"]
