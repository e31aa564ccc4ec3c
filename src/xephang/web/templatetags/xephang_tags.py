from django import template
from django.utils import timezone

from xephang.dates import long_date

from .. import audit_text
from ..permissions import can as _can

register = template.Library()


@register.filter
def ngay(value) -> str:
    """A date as the documents write it (xephang.dates): 'ngày 27 tháng 01 năm 2021', 'ngày 05 tháng 3 năm
    2021'; a moment in local time: '14:30 ngày 05 tháng 3 năm 2021'."""
    if not value:
        return ""
    if isinstance(value, str):  # an ISO date as a snapshot stores it
        import datetime

        try:
            value = datetime.date.fromisoformat(value[:10])
        except ValueError:
            return value
    if hasattr(value, "hour"):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return f"{value:%H:%M} {long_date(value.date())}"
    return long_date(value)


@register.simple_tag(takes_context=True)
def can(context, action, period=None, unit=None) -> bool:
    return _can(context["request"].user, action, period, unit)


@register.filter
def ngay_so(iso) -> str:
    """An ISO date as forms write it: '2025-11-30' -> '30/11/2025'."""
    import datetime as dt

    try:
        return f"{dt.date.fromisoformat(str(iso)):%d/%m/%Y}"
    except ValueError:
        return str(iso or "")


@register.filter
def nguon(source) -> str:
    """A data source in words: 'survey' -> 'điều tra xã hội học'."""
    from xephang.framework.model import DATA_SOURCES

    return DATA_SOURCES.get(source, source)


@register.filter
def percent(fixed) -> str:
    """A fixed-point share as a percentage: 600000000000000 -> '60 %'."""
    from xephang.numbers import plain

    return f"{plain(int(fixed) * 100)} %" if fixed is not None else ""


@register.filter
def level_class(level_id) -> str:
    return f"lv lv-{level_id or 'none'}"


@register.filter
def get(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def action_label(action: str) -> str:
    return audit_text.action_label(action)


@register.filter
def changes(value) -> str:
    """A before/after record as short 'key: value' lines."""
    if not value:
        return ""
    if isinstance(value, dict):
        return "\n".join(f"{k}: {'—' if v is None else v}" for k, v in value.items())
    return str(value)


_DECIMAL = __import__("re").compile(r"-?\d+\.\d+")


@register.filter
def so(value) -> str:
    """A number written with a decimal point (85.03, as stored or computed) shown with the province's
    separator for pages (85,03 by default); a negative zero shown as zero. Anything else is returned
    unchanged."""
    from ..province import decimal_separator

    if value is None:
        return ""
    text = str(value)
    if not _DECIMAL.fullmatch(text):
        return text
    if set(text) <= set("-0."):
        text = text.lstrip("-")
    return text.replace(".", decimal_separator.get())


@register.filter
def sentence(entry) -> str:
    """An audit entry as a Vietnamese sentence (audit_text.describe)."""
    return audit_text.describe(entry)
