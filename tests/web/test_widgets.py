"""The widgets written in Python (``web/widgets.py``) write what Django's widget templates write: every
field of every appraisal form, for each input of the demo's criteria sets, unbound, bound to typed text
(quotes, angle brackets, Vietnamese) and with an adjustment already made, compared with Django's own
template rendering of the same widget."""

from __future__ import annotations

import pytest
from django import forms

from xephang.web import widgets
from xephang.web.forms_appraisal import AdjustmentForm
from xephang.web.models import Period

TYPED = ['85,03 "x" <b>', "có", "Không", "", "Cổng dịch vụ công\nHệ thống một cửa"]


class _Adjusted:
    accepted = False
    version = 3
    value = "12 & <13>"


def _forms(inp):
    yield AdjustmentForm(inp=inp)
    yield AdjustmentForm(inp=inp, adjustment=_Adjusted())
    for text in TYPED:
        yield AdjustmentForm({"input": inp.id, "version": "1", "action": "adjust", "value": text}, inp=inp)


@pytest.mark.django_db
def test_every_appraisal_widget_writes_what_djangos_template_writes(demo):
    seen = set()
    for period in Period.objects.all():
        for inp in period.framework.load().inputs.values():
            for form in _forms(inp):
                form.is_valid()
                for bf in form:
                    w = bf.field.widget
                    if not isinstance(w, (widgets.TextInput, widgets.HiddenInput, widgets.Select)):
                        continue
                    seen.add(type(w))
                    value = bf.value()
                    attrs = bf.build_widget_attrs({})  # as BoundField.as_widget builds them
                    if bf.auto_id and "id" not in w.attrs:
                        attrs.setdefault("id", bf.auto_id)
                    django_html = forms.Widget.render(w, bf.html_name, value, attrs)
                    assert w.render(bf.html_name, value, attrs) == django_html, (inp.id, bf.name)
                    assert str(bf) == django_html
    assert seen == {widgets.TextInput, widgets.HiddenInput, widgets.Select}
