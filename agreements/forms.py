"""Forms of the agreement pages; each edit form carries the record's version."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.utils.translation import gettext_lazy as _

from agreements.models import Agreement, Comment, Conference, Criterion, Guest, Section
from clusters.models import YEAR_MAX, YEAR_MIN, Unit
from core.forms import NumberField, deadline_field
from core.versioning import VersionField


def _helper():
    """Crispy helper for forms whose <form> tag (with its htmx attributes) is in the template."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


class _HelperMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()

    def _post_clean(self):
        # Forms only read input: the service validates the whole record inside its
        # transaction, and the instance on the page must not change before it succeeds.
        pass


class AgreementStartForm(_HelperMixin, forms.Form):
    origin = forms.ChoiceField(
        label=_("Start from"),
        choices=[
            (Agreement.Origin.TEMPLATE, Agreement.Origin.TEMPLATE.label),
            (Agreement.Origin.PREVIOUS, Agreement.Origin.PREVIOUS.label),
            (Agreement.Origin.BLANK, Agreement.Origin.BLANK.label),
        ],
        widget=forms.RadioSelect,
        initial=Agreement.Origin.TEMPLATE,
    )


class TemplateCreateForm(_HelperMixin, forms.Form):
    parent = forms.ModelChoiceField(label=_("Parent body"), queryset=None, empty_label=None)
    year = NumberField(whole=True, label=_("Year"), min_value=YEAR_MIN, max_value=YEAR_MAX)

    def __init__(self, *args, parents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parents


class HeaderForm(_HelperMixin, forms.ModelForm):
    """Title, place, date and legal basis of an agreement (or a template)."""

    version = VersionField()

    class Meta:
        model = Agreement
        fields = ["title", "place", "date", "legal_basis"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "legal_basis": forms.Textarea(attrs={"rows": 4}),
        }


class ClosingForm(_HelperMixin, forms.ModelForm):
    version = VersionField()

    class Meta:
        model = Agreement
        fields = ["closing"]
        widgets = {"closing": forms.Textarea(attrs={"rows": 5})}


class SectionForm(_HelperMixin, forms.ModelForm):
    version = VersionField(required=False)

    class Meta:
        model = Section
        fields = ["heading", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, adding=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].required = not adding
        if adding:
            self.fields["version"].widget = forms.HiddenInput()


CRITERION_FIELDS = [
    "code",
    "text",
    "measure",
    "unit_label",
    "target",
    "max_points",
    "kind",
    "rule",
    "points_per_occurrence",
    "cap",
]


class CriterionForm(_HelperMixin, forms.ModelForm):
    version = VersionField(required=False)

    class Meta:
        model = Criterion
        fields = CRITERION_FIELDS
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}
        field_classes = dict.fromkeys(
            ("target", "max_points", "points_per_occurrence", "cap"), NumberField
        )

    def __init__(self, *args, adding=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].required = not adding
        self.helper.layout = Layout(
            "version",
            Row(Column("code", css_class="col-sm-3"), Column("text", css_class="col-sm-9")),
            Row(
                Column("measure", css_class="col-sm-4"),
                Column("unit_label", css_class="col-sm-4"),
                Column("target", css_class="col-sm-4"),
            ),
            Row(
                Column("kind", css_class="col-sm-4"),
                Column("max_points", css_class="col-sm-4"),
                Column("rule", css_class="col-sm-4"),
            ),
            Row(
                Column("points_per_occurrence", css_class="col-sm-4"),
                Column("cap", css_class="col-sm-8"),
            ),
        )
        for name in ("max_points", "points_per_occurrence", "cap", "target"):
            self.fields[name].min_value = 0
            self.fields[name].validators.append(_not_negative)

    def values(self):
        return {name: self.cleaned_data[name] for name in CRITERION_FIELDS}


def _not_negative(value):
    if value is not None and value < 0:
        raise forms.ValidationError(_("The value cannot be negative."), code="negative")


class CommentForm(_HelperMixin, forms.Form):
    unit = forms.ModelChoiceField(label=_("On behalf of"), queryset=None, empty_label=None)
    section = forms.ModelChoiceField(
        label=_("On"), queryset=None, required=False, empty_label=_("The whole draft")
    )
    text = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, units, sections, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(pk__in=[u.pk for u in units])
        self.fields["section"].queryset = sections
        self.fields["section"].label_from_instance = str
        if len(units) == 1:
            self.fields["unit"].widget = forms.HiddenInput()
            self.fields["unit"].initial = units[0].pk


class AnswerForm(_HelperMixin, forms.ModelForm):
    class Meta:
        model = Comment
        fields = ["answer"]
        widgets = {"answer": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["answer"].required = True


class CirculateForm(_HelperMixin, forms.Form):
    """The confirmation before the draft and its e-mails go to the members."""

    deadline = deadline_field(
        _("Comments are due by"),
        help_text=_("The members are reminded before it; the draft shows it."),
    )
    confirm = forms.BooleanField(
        label=_("Send the draft and the e-mails to the members now"),
        error_messages={"required": _("Tick the box to confirm the sending.")},
    )


class AdoptForm(_HelperMixin, forms.Form):
    """The adoption opens the signing: its deadline, and the conference's confirmation."""

    signing_deadline = deadline_field(
        _("Signatures are due by"),
        help_text=_("Every member unit signs by this date; they are reminded before it."),
    )
    confirm = forms.BooleanField(
        label=_("The signing conference adopted this text."),
        error_messages={"required": _("Tick the box to confirm the adoption.")},
    )


class AmendForm(_HelperMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for the amendment"), widget=forms.Textarea(attrs={"rows": 3})
    )


class ConferenceForm(_HelperMixin, forms.ModelForm):
    # 0: the form was read before any conference was recorded.
    version = VersionField(required=False, min_value=0)

    class Meta:
        model = Conference
        fields = ["starts_at", "venue", "hosts", "minutes", "minutes_file"]
        widgets = {
            "starts_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "hosts": forms.CheckboxSelectMultiple,
            "minutes": forms.Textarea(attrs={"rows": 6}),
            "minutes_file": forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
        }
        help_texts = {"minutes_file": _("Optional. A PDF; it replaces the scan saved before.")}

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hosts"].queryset = members
        self.fields["hosts"].required = False


class GuestForm(forms.ModelForm):
    class Meta:
        model = Guest
        fields = ["name", "title", "organisation"]
        widgets = {
            name: forms.TextInput(attrs={"class": "form-control form-control-sm"})
            for name in ("name", "title", "organisation")
        }


GuestFormSet = forms.formset_factory(GuestForm, extra=2, can_delete=True, max_num=50)
