"""Built-in plugin `time`: says the time and the date.

home-assistant-intents already has the sentences (HassGetCurrentTime, HassGetCurrentDate), so the
plugin brings only handlers; the replies are that project's response templates (answers.py).
"""

from __future__ import annotations

from collections.abc import Mapping

from hearth.plugins import Handler, IntentContext, Response, hookimpl
from hearth_intent.plugins.time_and_date.answers import TIME_AND_DATE_INTENTS, spoken_answer


async def say_time_or_date(context: IntentContext) -> Response:
    return Response(speech=spoken_answer(context.intent, context.now, context.language) or "")


@hookimpl
def hearth_handlers() -> Mapping[str, Handler]:
    return dict.fromkeys(TIME_AND_DATE_INTENTS, say_time_or_date)
