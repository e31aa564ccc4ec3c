"""Which verifying agency's account appraises the figures of each criterion of a period: one choice per
criterion, from the verifying agencies' accounts (empty: the Sở appraises it itself)."""

from __future__ import annotations

from django import forms

SELF = "— Sở tự thẩm định —"


class VerifiersForm(forms.Form):
    """One field ``c_<criterion id>`` per assignable criterion; ``wanted`` maps criterion id -> account
    (or None) once valid."""

    def __init__(self, *args, criteria, accounts, current, **kwargs):
        kwargs.setdefault("auto_id", "%s")  # ids c_<criterion>, as the page's labels and links use
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        self.accounts = {str(u.pk): u for u in accounts}
        choices = [("", SELF)] + [
            (str(u.pk), f"{u.get_full_name() or u.username} ({u.profile.unit.name})") for u in accounts
        ]
        for c in self.criteria:
            self.fields[self.name_of(c)] = forms.ChoiceField(
                label=f"{c.so}. {c.title}" if c.so else c.title,
                required=False,
                choices=choices,
                widget=forms.Select(attrs={"aria-describedby": f"{self.name_of(c)}-err"}),
                initial=str(current[c.id].user_id) if c.id in current else "",
                error_messages={"invalid_choice": "Hãy chọn một tài khoản cơ quan xác minh trong danh sách."},
            )

    @staticmethod
    def name_of(criterion) -> str:
        return f"c_{criterion.id}"

    @property
    def wanted(self) -> dict:
        return {c.id: self.accounts.get(self.cleaned_data[self.name_of(c)]) for c in self.criteria}
