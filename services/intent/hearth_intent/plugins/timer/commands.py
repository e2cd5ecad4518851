"""The timer intents' handlers, over a TimerBook.

Intent names and slots are Home Assistant's (home-assistant-intents): HassStartTimer,
HassCancelTimer, HassCancelAllTimers, HassPauseTimer, HassUnpauseTimer, HassIncreaseTimer,
HassDecreaseTimer, HassTimerStatus; a timer is picked by `name` or by the length it was set for
(`start_hours`, `start_minutes`, `start_seconds`), among the timers of the site that heard the
command. When several fit, the answer lists them and asks which one, listening for the reply.

While a timer rings, "stop the timer" (HassCancelTimer), "cancel all timers" and a bare "stop"
(HearthStopRinging, the plugin's own) stop its ring.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from hearth.plugins import Handler, IntentContext, Response
from hearth_intent.plugins.timer import speech
from hearth_intent.plugins.timer.book import Timer, TimerBook, TimerQuery, TooManyTimers
from hearth_intent.plugins.timer.durations import duration_from_slots
from hearth_intent.plugins.timer.rings import Rings

STOP_RINGING = "HearthStopRinging"
"""A bare "stop": stops what rings at the site, and nothing else."""

Changed = Callable[[], Awaitable[None]]
"""Awaited after every change: stores the book (so "Timer set" means it survives a restart) and
wakes the ringer."""


class TimerCommands:
    def __init__(self, book: TimerBook, rings: Rings, changed: Changed) -> None:
        self.book = book
        self.rings = rings
        self.changed = changed

    def handlers(self) -> dict[str, Handler]:
        return {
            "HassStartTimer": self.start,
            "HassCancelTimer": self.cancel,
            "HassCancelAllTimers": self.cancel_all,
            "HassPauseTimer": self.pause,
            "HassUnpauseTimer": self.resume,
            "HassIncreaseTimer": self.increase,
            "HassDecreaseTimer": self.decrease,
            "HassTimerStatus": self.status,
            STOP_RINGING: self.stop_ringing,
        }

    async def stop_ringing(self, context: IntentContext) -> Response:
        """ "stop": the rings at the site stop; a ring the wake word already stopped is said to
        be stopped too (the person asked for that, and it is done)."""
        stopped = await self._stop_rings(context.site, TimerQuery())
        recent = self.rings.recently_stopped(context.site, TimerQuery())
        if stopped is None and recent is not None:
            return Response(speech.stopped([recent]))
        return stopped or Response(speech.nothing_ringing())

    async def start(self, context: IntentContext) -> Response:
        if context.value("conversation_command"):
            return Response(speech.no_delayed_commands())
        seconds = duration_from_slots(context.value)
        if not seconds or seconds < 1:
            return Response(speech.no_duration(), continue_conversation=True)
        name = str(context.value("name") or "").strip()
        try:
            timer = self.book.add(context.site, seconds, name)
        except TooManyTimers:
            return Response(speech.too_many())
        await self.changed()
        return Response(speech.timer_set(timer), self._data(timer))

    async def cancel(self, context: IntentContext) -> Response:
        query = query_from(context)
        stopped = await self._stop_rings(context.site, query)
        if stopped is not None:
            return stopped
        recent = self.rings.recently_stopped(context.site, query)
        if recent is not None:  # the wake word spoken over its ring stopped it: that one is meant
            return Response(speech.stopped([recent]))
        picked = self._pick(context, "cancel")
        if isinstance(picked, Response):
            return picked
        alone = self._alone(picked)
        timer = self.book.cancel(picked.timer_id)
        await self.changed()
        return Response(speech.cancelled(timer, alone), self._data(timer))

    async def cancel_all(self, context: IntentContext) -> Response:
        rung = self.rings.stop(context.site, TimerQuery())
        gone = self.book.cancel_all(context.site)
        if gone or rung:
            await self.changed()
        if rung and not gone:
            return Response(speech.stopped([ring.timer for ring in rung]))
        now = self.book.clock()
        data = {"timers": [speech.timer_data(timer, now) for timer in gone]}
        return Response(speech.cancelled_all(len(gone)), data)

    async def pause(self, context: IntentContext) -> Response:
        return await self._switch(context, to_running=False)

    async def resume(self, context: IntentContext) -> Response:
        return await self._switch(context, to_running=True)

    async def increase(self, context: IntentContext) -> Response:
        return await self._extend(context, sign=1)

    async def decrease(self, context: IntentContext) -> Response:
        return await self._extend(context, sign=-1)

    async def status(self, context: IntentContext) -> Response:
        query = query_from(context)
        found = self.book.find(context.site, query)
        now = self.book.clock()
        data = {"timers": [speech.timer_data(timer, now) for timer in found]}
        if not found and query.specific:
            return Response(speech.nothing_to("report", query), data)
        return Response(speech.status(found, now), data)

    async def _switch(self, context: IntentContext, *, to_running: bool) -> Response:
        """Pause or resume: among the fitting timers, only those that can change count."""
        query = query_from(context)
        found = self.book.find(context.site, query)
        if not found:
            return Response(speech.nothing_to("resume" if to_running else "pause", query))
        can_change = [timer for timer in found if timer.running != to_running]
        if not can_change:
            return Response(speech.no_timer_in_state(query, "paused" if to_running else "running"))
        if len(can_change) > 1:
            return self._which_one(can_change)
        alone = self._alone(can_change[0])
        switch = self.book.resume if to_running else self.book.pause
        timer = switch(can_change[0].timer_id)
        await self.changed()
        now = self.book.clock()
        said = speech.resumed if to_running else speech.paused
        return Response(said(timer, alone, now), self._data(timer))

    async def _extend(self, context: IntentContext, *, sign: int) -> Response:
        amount = duration_from_slots(context.value)
        if not amount:
            return Response(speech.no_duration(), continue_conversation=True)
        picked = self._pick(context, "change")
        if isinstance(picked, Response):
            return picked
        alone = self._alone(picked)
        timer = self.book.extend(picked.timer_id, sign * amount)
        await self.changed()
        now = self.book.clock()
        return Response(speech.changed_by(timer, alone, sign * amount, now), self._data(timer))

    async def _stop_rings(self, site: str, query: TimerQuery) -> Response | None:
        """Stop the rings at the site the sentence means; None when none of them rings."""
        rung = self.rings.stop(site, query)
        if not rung:
            return None
        await self.changed()
        return Response(speech.stopped([ring.timer for ring in rung]))

    def _pick(self, context: IntentContext, action: str) -> Timer | Response:
        """The one timer the sentence means, or the answer when none or several fit."""
        query = query_from(context)
        found = self.book.find(context.site, query)
        if not found:
            return Response(speech.nothing_to(action, query))
        if len(found) > 1:
            return self._which_one(found)
        return found[0]

    def _which_one(self, timers: list[Timer]) -> Response:
        now = self.book.clock()
        data = {"timers": [speech.timer_data(timer, now) for timer in timers]}
        return Response(speech.which_one(timers), data, continue_conversation=True)

    def _alone(self, timer: Timer) -> bool:
        """Whether the timer is its site's only one (then "the timer" says which)."""
        return len(self.book.timers(timer.site)) == 1

    def _data(self, timer: Timer) -> dict[str, object]:
        return {"timer": speech.timer_data(timer, self.book.clock())}


def query_from(context: IntentContext) -> TimerQuery:
    """Which timer the sentence means: its `name`, or the length it was set for."""
    name = str(context.value("name") or "").strip()
    return TimerQuery(name=name, duration_s=duration_from_slots(context.value, prefix="start_"))
