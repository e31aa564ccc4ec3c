"""The province's settings on every page: the header's name, and how the pages write decimals.

The settings row is read once per request (the middleware) and its decimal separator kept in a context
variable that the page formatters (``scoring.comma``, the ``so`` filter) read, so that a page renders with
one query for it however many numbers it shows, and views' numbers follow it as well as templates'.
Documents (DOCX/PDF) keep their own setting and never read this one."""

from __future__ import annotations

from contextvars import ContextVar

from .models import ProvinceSettings

#: The separator pages use in the current request (a comma unless the province chose otherwise).
decimal_separator: ContextVar[str] = ContextVar("decimal_separator", default=",")


class ProvinceMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.province = ProvinceSettings.load()
        token = decimal_separator.set(request.province.decimal_separator or ",")
        try:
            return self.get_response(request)
        finally:
            decimal_separator.reset(token)


def context(request):
    return {"province": getattr(request, "province", None) or ProvinceSettings.load()}
