"""The report form's sections rendered fast: what depends only on the criteria set and the group
(headings, wording, labels, allowed values, hints, answers offered: thousands of template look-ups) is
rendered once per (criteria set, group, editable or not) into a skeleton (``REPORT_SKELETONS``), and each
request fills in the unit's own figures, errors, criteria not applicable and evidence.

The skeleton is the template ``web/_report_sections.html`` rendered with empty figures; its
``{% hole %}`` and ``{% slot %}`` tags (``templatetags/form_skeleton.py``) mark the places filled per
request, so the HTML is written once, in the template, and the page is the same as a full rendering."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field

from django.template.loader import get_template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from xephang.framework.model import Framework

from .cache import REPORT_SKELETONS, framework_key
from .forms import Field, build_sections
from .templatetags.form_skeleton import CLOSE, OPEN


@dataclass
class UnitFigures:
    """What one unit's form shows of its own: figures as typed, errors, carried figures to confirm,
    criteria not applicable (as typed), evidence by criterion, measured figures' stamps."""

    values: dict
    errors: dict = field(default_factory=dict)
    carried: frozenset = frozenset()
    not_applicable: frozenset = frozenset()
    evidence: dict = field(default_factory=dict)
    measured: dict = field(default_factory=dict)


@dataclass(frozen=True)
class _Skeleton:
    texts: tuple[str, ...]  # the literal HTML around the slots: one more than the slots
    slots: tuple[tuple[tuple, str | None], ...]  # (kind, key, arguments...), the body of a slot or None
    inputs: dict  # input id -> Input
    sources: dict  # input id -> data source of a measured figure


def _skeleton(fw: Framework, group: str, editable: bool) -> _Skeleton:
    nonce = secrets.token_hex(8)
    slots: list = []
    html = get_template("web/_report_sections.html").render(
        {
            "sections": build_sections(fw, group, {}),
            "editable": editable,
            "skeleton_slots": slots,
            "skeleton_nonce": nonce,
        }
    )
    parts = re.split(re.escape(f"{OPEN}{nonce}:") + r"(\d+)" + re.escape(CLOSE), html)
    texts, numbers = parts[0::2], [int(n) for n in parts[1::2]]
    if numbers != list(range(len(slots))):
        raise RuntimeError("the report form's skeleton lost a slot")
    return _Skeleton(tuple(texts), tuple(slots), dict(fw.inputs), fw.measured_inputs())


def skeleton(fw: Framework, group: str, editable: bool) -> _Skeleton:
    key = framework_key(fw)
    return REPORT_SKELETONS.get(None if key is None else (key, group, editable), lambda: _skeleton(fw, group, editable))


def render_sections(fw: Framework, group: str, editable: bool, figures: UnitFigures, context: dict) -> SafeString:
    """The sections of the report form with one unit's figures; ``context`` (period, unit) renders the
    unit's evidence blocks and measured figures, the few places that are not filled from text."""
    sk = skeleton(fw, group, editable)
    values, errors = figures.values, figures.errors
    out = [sk.texts[0]]
    for (args, body), text in zip(sk.slots, sk.texts[1:], strict=True):
        kind, key = args[0], args[1]
        if kind == "value":
            out.append(conditional_escape(_value(values, key)))
        elif kind == "selected":
            out.append(body if _value(values, key) in args[2:] else "")
        elif kind == "error":
            out.append(body if errors.get(key) else "")
        elif kind == "error_text":
            out.append(conditional_escape(errors.get(key, "")))
        elif kind == "carried":
            out.append(body if key in figures.carried else "")
        elif kind == "na":
            out.append(body if key in figures.not_applicable else "")
        elif kind in ("rows", "items"):
            n = len(Field(sk.inputs[key], _value(values, key)).items)
            out.append(str(n + 2) if kind == "rows" else (f" — {n} mục" if n else ""))
        elif kind == "evidence":
            items = figures.evidence.get(key)
            if items:
                ctx = {**context, "editable": editable, "cid": key, "items": items}
                body = get_template("web/_evidence_crit.html").render(ctx)
            out.append(body)
        elif kind == "measured":
            f = Field(
                sk.inputs[key],
                _value(values, key),
                source=sk.sources.get(key, ""),
                stamp=figures.measured.get(key) or {},
            )
            out.append(get_template("web/_measured.html").render({"f": f}))
        else:
            raise ValueError(f"the report form's skeleton has an unknown slot {kind!r}")
        out.append(text)
    return mark_safe("".join(out))


def _value(values: dict, input_id: str) -> str:
    return str(values.get(input_id, "") or "")
