"""The kiosk's query desk: the configured queries, asked off the screens' thread, and printed."""
from __future__ import annotations

import asyncio
from concurrent.futures import Future
from datetime import datetime
from typing import Callable

from drivers.printer.ticket_layout import PaperProfile
from kiosk.queries.plugin import Answer, Question, load_plugin, run
from kiosk.queries.receipt import a4_pdf, receipt_bytes

# Which cards a query's `identity` accepts (kiosk.session.Identity.source).
CARDS = {"id_card": {"id_card"}, "ssc_card": {"social_security_card"},
         "any_card": {"id_card", "social_security_card"}, "receipt": set()}


class QueryDesk:
    def __init__(self, config, loop: asyncio.AbstractEventLoop, printer, form_printer,
                 clock: Callable[[], datetime]):
        self.config, self._loop, self._printer, self._form_printer = config, loop, printer, form_printer
        self._clock = clock
        self.queries = {q.id: q for q in config.queries}
        self._plugins: dict[str, object] = {}
        self._profile = PaperProfile(**config.profile_for_printer().model_dump())

    def _plugin(self, query):
        if query.id not in self._plugins:
            self._plugins[query.id] = load_plugin(query)
        return self._plugins[query.id]

    def ask(self, query_id: str, question: Question) -> Future:
        """The checked, masked Answer (or QueryUnavailable / QueryRefused / NothingFound)."""
        query = self.queries[query_id]

        async def asking() -> Answer:
            return await self._loop.run_in_executor(None, run, self._plugin(query), query, question, self._clock())
        return asyncio.run_coroutine_threadsafe(asking(), self._loop)

    def printable(self, query_id: str) -> bool:
        how = self.queries[query_id].print
        return how == "receipt" or (how == "a4" and self._form_printer is not None)

    def print(self, answer: Answer) -> Future:
        """On paper, as the query says: a receipt, or an A4 page."""
        query = self.queries[answer.query_id]
        hall = self.config.hall.name
        if query.print == "a4" and self._form_printer is not None:
            pdf = a4_pdf(answer, query.title, hall)
            return asyncio.run_coroutine_threadsafe(self._form_printer.print_form(pdf, query.title), self._loop)
        data = receipt_bytes(answer, query.title, hall, self._profile)
        return asyncio.run_coroutine_threadsafe(self._printer.print(data), self._loop)

    def close(self) -> None:
        for plugin in self._plugins.values():
            close = getattr(plugin, "close", None)
            if close:
                close()
