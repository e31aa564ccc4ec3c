"""Tags of a form skeleton (``xephang.web.report_form``): the report form's HTML that depends only on
the criteria set and the group is rendered once, with a marker where each unit's own figures go.

``{% hole kind key ... %}`` marks a place filled per request (a figure as typed, its error); ``{% slot
kind key ... %}body{% endslot %}`` marks a piece of the skeleton shown or replaced per request (the
``selected`` of the option typed, an evidence block once the unit has evidence). The arguments are
kept as resolved (not as text), so that the filling compares exactly as the template compared."""

from __future__ import annotations

from django import template
from django.utils.safestring import mark_safe

register = template.Library()

#: A marker is OPEN, the render's random nonce, the slot's number, CLOSE: no criteria set's text can
#: forge one.
OPEN, CLOSE = "\x02", "\x03"


def _marker(context, args: tuple, body: str | None) -> str:
    slots = context["skeleton_slots"]
    slots.append((args, body))
    return mark_safe(f"{OPEN}{context['skeleton_nonce']}:{len(slots) - 1}{CLOSE}")


class _HoleNode(template.Node):
    def __init__(self, args):
        self.args = args

    def render(self, context):
        return _marker(context, tuple(a.resolve(context) for a in self.args), None)


class _SlotNode(template.Node):
    def __init__(self, args, nodelist):
        self.args, self.nodelist = args, nodelist

    def render(self, context):
        body = self.nodelist.render(context)
        if f"{OPEN}{context['skeleton_nonce']}:" in body:
            raise template.TemplateSyntaxError("a skeleton slot cannot hold another")
        return _marker(context, tuple(a.resolve(context) for a in self.args), body)


@register.tag
def hole(parser, token):
    bits = token.split_contents()[1:]
    if not bits:
        raise template.TemplateSyntaxError("{% hole kind key %}: the kind is missing")
    return _HoleNode([parser.compile_filter(b) for b in bits])


@register.tag
def slot(parser, token):
    bits = token.split_contents()[1:]
    if not bits:
        raise template.TemplateSyntaxError("{% slot kind key %}...{% endslot %}: the kind is missing")
    nodelist = parser.parse(("endslot",))
    parser.delete_first_token()
    return _SlotNode([parser.compile_filter(b) for b in bits], nodelist)
