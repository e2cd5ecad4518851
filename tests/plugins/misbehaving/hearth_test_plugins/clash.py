"""Two plugins that both claim one intent: the intent service refuses to start, naming both."""

from __future__ import annotations

from collections.abc import Mapping

from hearth.plugins import Handler, IntentContext, Response, hookimpl


async def answer(context: IntentContext) -> Response:
    return Response("clash")


class Claimant:
    @hookimpl
    def hearth_sentences(self, language: str) -> str | None:
        return 'intents:\n  TestClash:\n    data:\n      - sentences: ["start the clash"]\n'

    @hookimpl
    def hearth_handlers(self) -> Mapping[str, Handler]:
        return {"TestClash": answer}


FIRST = Claimant()
SECOND = Claimant()
