"""Forms of the results pages. They read input only; the services validate and write."""

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import NumberField, Select, deadline_field
from core.text import vn_number
from core.versioning import VersionField
from results.models import Period, TieBreak
from results.selectors import input_kind

SHEET_FORM_ID = "sheet"
MAX_THRESHOLDS = 6


def _helper(form_tag=False):
    helper = FormHelper()
    helper.form_tag = form_tag
    helper.disable_csrf = True
    return helper


class _HelperMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class PeriodOpenForm(_HelperMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Review"), choices=Period.Kind.choices)
    deadline = deadline_field(_("Deadline for self-assessments"))
    review_deadline = deadline_field(
        _("Deadline for reviewing the sheets"),
        required=False,
        help_text=_("By when the cluster head reviews the submitted sheets."),
    )
    cross_checking = forms.BooleanField(
        label=_("Cross-checking: an assigned peer unit also reviews each sheet"), required=False
    )
    note = forms.CharField(
        label=_("Message to the member units"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, kinds=None, **kwargs):
        super().__init__(*args, **kwargs)
        if kinds is not None:
            self.fields["kind"].choices = [c for c in Period.Kind.choices if c[0] in kinds]


class PeriodUpdateForm(_HelperMixin, forms.Form):
    version = VersionField()
    deadline = PeriodOpenForm.base_fields["deadline"]
    review_deadline = PeriodOpenForm.base_fields["review_deadline"]
    cross_checking = PeriodOpenForm.base_fields["cross_checking"]
    note = PeriodOpenForm.base_fields["note"]


class PeersForm(forms.Form):
    """One peer unit per sheet (cross-checking), or rotation in the cluster's order."""

    rotation = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, period, assessments, **kwargs):
        super().__init__(*args, **kwargs)
        units = [
            (m.unit_id, m.unit.short_name)
            for m in period.cluster_year.memberships.all()
            if m.is_active
        ]
        self.assessments = assessments
        for assessment in assessments:
            self.fields[f"peer_{assessment.pk}"] = forms.TypedChoiceField(
                label=assessment.unit_name,
                choices=[("", "—")] + [u for u in units if u[0] != assessment.unit_id],
                coerce=int,
                empty_value=None,
                required=False,
                initial=assessment.peer_reviewer_id,
            )

    def assignments(self):
        return {a.pk: self.cleaned_data.get(f"peer_{a.pk}") for a in self.assessments}


class SheetForm(forms.Form):
    """Every criterion of a sheet: value, own score, explanation and links.

    Fields are named `<part>_<criterion id>`; inputs belong to the form `sheet` (HTML form
    attribute) so that the evidence upload forms can sit in the same table.
    """

    version = VersionField()

    def __init__(self, *args, scores, **kwargs):
        super().__init__(*args, **kwargs)
        self.scores = scores
        attrs = {"form": SHEET_FORM_ID}
        self.fields["version"].widget.attrs.update(attrs)
        for score in scores:
            criterion = score.criterion
            pk = criterion.pk
            kind = input_kind(criterion)
            label = f"{criterion.code} {criterion.text[:80]}"
            if kind == "yes_no":
                value = forms.ChoiceField(
                    choices=[("", "—"), ("1", _("Yes")), ("0", _("No"))],
                    required=False,
                    widget=forms.Select(attrs={**attrs, "class": "form-select form-select-sm"}),
                )
            elif kind == "text":
                value = forms.CharField(
                    required=False,
                    max_length=5000,
                    widget=forms.Textarea(
                        attrs={**attrs, "rows": 2, "class": "form-control form-control-sm"}
                    ),
                )
            else:
                value = NumberField(
                    required=False,
                    whole=kind == "occurrences",
                    widget=forms.TextInput(
                        attrs={**attrs, "class": "form-control form-control-sm"}
                    ),
                )
            value.label = label
            self.fields[f"value_{pk}"] = value
            self.fields[f"score_{pk}"] = NumberField(
                label=_("Own score"),
                required=False,
                widget=forms.TextInput(attrs={**attrs, "class": "form-control form-control-sm"}),
            )
            self.fields[f"explanation_{pk}"] = forms.CharField(
                label=_("Explanation"),
                required=False,
                max_length=5000,
                widget=forms.Textarea(
                    attrs={**attrs, "rows": 2, "class": "form-control form-control-sm"}
                ),
            )
            self.fields[f"links_{pk}"] = forms.CharField(
                label=_("Evidence links"),
                required=False,
                max_length=5000,
                widget=forms.Textarea(
                    attrs={**attrs, "rows": 1, "class": "form-control form-control-sm"}
                ),
            )
            if not self.is_bound:
                self.initial.update(self._initial_for(score))

    @staticmethod
    def _initial_for(score):
        kind = input_kind(score.criterion)
        pk = score.criterion_id
        if kind == "occurrences":
            value = "" if score.occurrences is None else str(score.occurrences)
        elif kind == "yes_no":
            value = "" if score.achieved is None else ("1" if score.achieved > 0 else "0")
        elif kind == "text":
            value = score.achieved_text
        else:
            value = score.achieved
        return {
            f"value_{pk}": value,
            f"score_{pk}": score.self_score,
            f"explanation_{pk}": score.explanation,
            f"links_{pk}": score.links,
        }

    def entries(self):
        return {
            score.criterion_id: {
                "value": self.cleaned_data.get(f"value_{score.criterion_id}"),
                "self_score": self.cleaned_data.get(f"score_{score.criterion_id}"),
                "explanation": self.cleaned_data.get(f"explanation_{score.criterion_id}"),
                "links": self.cleaned_data.get(f"links_{score.criterion_id}"),
            }
            for score in self.scores
        }

    def apply_service_error(self, error):
        """Put a sheet's errors (keyed by criterion and field) on the fields of those rows."""
        entries = getattr(error, "entries", None)
        if entries is None:
            return False
        parts = {"value": "value", "self_score": "score", "explanation": "explanation"}
        for (criterion_id, field), messages in entries.items():
            name = f"{parts.get(field, field)}_{criterion_id}"
            self.add_error(name if name in self.fields else None, messages)
        return True

    def rows(self):
        """(score, value field, score field, explanation field, links field) per criterion."""
        for score in self.scores:
            pk = score.criterion_id
            yield (
                score,
                self[f"value_{pk}"],
                self[f"score_{pk}"],
                self[f"explanation_{pk}"],
                self[f"links_{pk}"],
            )


class UploadForm(_HelperMixin, forms.Form):
    file = forms.FileField(label=_("File"))


class ImportForm(_HelperMixin, forms.Form):
    version = VersionField()
    file = forms.FileField(label=_("Filled template (.xlsx)"))


class AdjustForm(forms.Form):
    reviewed_score = NumberField(
        label=_("Score after review"),
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )
    reason = forms.CharField(label=_("Reason"), max_length=5000)


class ReturnForm(_HelperMixin, forms.Form):
    comment = forms.CharField(
        label=_("What the unit must correct"), widget=forms.Textarea(attrs={"rows": 3})
    )


class ReopenForm(_HelperMixin, forms.Form):
    reason = forms.CharField(label=_("Reason for reopening"), max_length=5000)


class RulesForm(_HelperMixin, forms.Form):
    """Ranking order and rating thresholds of a parent body for a year."""

    evidence_max_mb = NumberField(
        whole=True, label=_("Largest evidence file (MB)"), min_value=1, max_value=100
    )

    def __init__(self, *args, rules=None, **kwargs):
        super().__init__(*args, **kwargs)
        keys = [("", "—"), *TieBreak.choices]
        for index in range(len(TieBreak.choices)):
            self.fields[f"key_{index}"] = forms.ChoiceField(
                label=_("Ranking key %(n)s") % {"n": index + 1},
                choices=keys,
                required=index == 0,
            )
        for index in range(MAX_THRESHOLDS):
            self.fields[f"label_{index}"] = forms.CharField(
                label=_("Rating %(n)s") % {"n": index + 1}, max_length=100, required=False
            )
            self.fields[f"min_{index}"] = NumberField(
                # xgettext:no-python-format
                label=_("from (% of the maximum)"),
                min_value=0,
                max_value=100,
                decimal_places=2,
                required=False,
            )
        if rules is not None and not self.is_bound:
            self.initial["evidence_max_mb"] = rules.evidence_max_mb
            for index, key in enumerate(rules.tie_break):
                self.initial[f"key_{index}"] = key
            for index, (label, minimum) in enumerate(rules.thresholds[:MAX_THRESHOLDS]):
                self.initial[f"label_{index}"] = label
                self.initial[f"min_{index}"] = minimum

    def tie_break(self):
        return [
            self.cleaned_data[f"key_{i}"]
            for i in range(len(TieBreak.choices))
            if self.cleaned_data.get(f"key_{i}")
        ]

    def thresholds(self):
        pairs = []
        for index in range(MAX_THRESHOLDS):
            label = self.cleaned_data.get(f"label_{index}")
            minimum = self.cleaned_data.get(f"min_{index}")
            if label or minimum is not None:
                pairs.append((label, minimum))
        return pairs

    def key_fields(self):
        return [self[f"key_{i}"] for i in range(len(TieBreak.choices))]

    def threshold_fields(self):
        return [(self[f"label_{i}"], self[f"min_{i}"]) for i in range(MAX_THRESHOLDS)]


class ComparisonFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=(), widget=Select)
    kind = forms.ChoiceField(
        label=_("Review"),
        choices=Period.Kind.choices,
        initial=Period.Kind.YEAR_END,
        widget=Select,
    )
    cluster = forms.TypedChoiceField(
        label=_("Cluster"),
        coerce=int,
        empty_value=None,
        required=False,
        choices=(),
        widget=Select,
    )
    rating = forms.CharField(label=_("Rating"), required=False, max_length=100)
    q = forms.CharField(label=_("Unit"), required=False, max_length=100)

    def __init__(self, *args, years, clusters, ratings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, y) for y in years]
        self.fields["cluster"].choices = [("", _("All clusters")), *clusters]
        self.fields["rating"].widget = Select(
            choices=[("", _("All ratings")), *[(r, r) for r in ratings]]
        )


class PracticeForm(_HelperMixin, forms.Form):
    version = VersionField(required=False)
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 6}), max_length=20000
    )
    results = forms.CharField(
        label=_("Results"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=20000,
    )
    criteria = forms.ModelMultipleChoiceField(
        label=_("Criteria it served"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    bonus_claims = forms.ModelMultipleChoiceField(
        label=_("Bonus points claimed"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, criteria, bonus_claims, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criteria"].queryset = criteria
        self.fields["criteria"].label_from_instance = lambda c: f"{c.code} {c.text[:90]}"
        self.fields["bonus_claims"].queryset = bonus_claims
        self.fields["bonus_claims"].label_from_instance = lambda s: (
            f"{s.criterion.code} {s.criterion.text[:60]} — {s.assessment.period.get_kind_display()}"
            f" ({vn_number(s.final_score)})"
        )
        if units is not None:
            self.fields["unit"] = forms.ModelChoiceField(
                label=_("Unit"), queryset=units, empty_label=None
            )
            self.order_fields(["unit"])


class PracticeSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    year = forms.TypedChoiceField(
        label=_("Year"), coerce=int, empty_value=None, required=False, choices=()
    )
    cluster = forms.TypedChoiceField(
        label=_("Cluster"), coerce=int, empty_value=None, required=False, choices=()
    )

    def __init__(self, *args, years, clusters, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("All years")), *[(y, y) for y in years]]
        self.fields["cluster"].choices = [("", _("All clusters")), *clusters]
