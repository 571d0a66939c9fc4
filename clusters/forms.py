"""Forms of the clusters pages (crispy, Bootstrap 5). Services do the writing."""

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from clusters.models import (
    Cluster,
    ClusterYear,
    Level,
    Membership,
    Person,
    Plan,
    Position,
    Succession,
    Unit,
)
from core.uploads import SPREADSHEETS, UploadValidator
from core.versioning import VersionField

IMPORT_MAX_BYTES = 2 * 1024 * 1024


class CrispyMixin:
    """Give the form a FormHelper; templates draw the <form> tag and the buttons."""

    def setup_helper(self):
        self.helper = FormHelper(self)
        self.helper.form_tag = False
        self.helper.disable_csrf = True


def preselect_single(form, name):
    """When the user has exactly one choice (one parent body, say), choose it for them."""
    field = form.fields[name]
    if not form.is_bound and not form.initial.get(name):
        choices = list(field.queryset.values_list("pk", flat=True)[:2])
        if len(choices) == 1:
            form.initial[name] = choices[0]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "%Y-%m-%d")
        super().__init__(**kwargs)


class ServiceModelForm(CrispyMixin, forms.ModelForm):
    """A ModelForm whose data goes to a service; edits of Versioned models carry `version`."""

    versioned = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.versioned:
            self.fields["version"] = VersionField(initial=self.instance.version)
        self.setup_helper()

    def service_data(self, changed_only=False):
        """The model fields' cleaned values, ready for a `*_create`/`*_update` service."""
        names = [n for n in self._meta.fields if n in self.cleaned_data]
        if changed_only:
            names = [n for n in names if n in self.changed_data]
        data = {}
        for name in names:
            value = self.cleaned_data[name]
            if isinstance(self.fields[name], forms.FileField) and not value:
                value = ""  # none uploaded, or "clear" ticked
            data[name] = value
        return data


# --- filters and search ----------------------------------------------------------------------


class ClusterYearFilterForm(CrispyMixin, forms.Form):
    parent = forms.ModelChoiceField(
        label=_("Parent body"), queryset=Unit.objects.none(), required=False
    )
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, parents, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parents
        self.fields["parent"].empty_label = _("All parent bodies")
        self.fields["year"].choices = [("", _("All years"))] + [(y, y) for y in years]
        self.setup_helper()


class UnitFilterForm(CrispyMixin, forms.Form):
    q = forms.CharField(label=_("Name contains"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *Unit.Kind.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *Unit.Status.choices]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_helper()


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)


# --- units, successions, people, positions --------------------------------------------------


class UnitForm(ServiceModelForm):
    class Meta:
        model = Unit
        fields = [
            "name",
            "short_name",
            "kind",
            "level",
            "parent",
            "place_name",
            "header_lines",
            "collective_name",
            "email",
            "valid_from",
            "valid_to",
        ]
        widgets = {
            "header_lines": forms.Textarea(attrs={"rows": 3}),
            "valid_from": DateInput(),
            "valid_to": DateInput(),
        }

    def __init__(self, *args, parents, parent_required, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].queryset = Level.objects.all()
        self.fields["parent"].queryset = parents
        self.fields["parent"].required = parent_required
        if self.instance.pk is None:
            preselect_single(self, "parent")


class UnitEditForm(UnitForm):
    versioned = True

    class Meta(UnitForm.Meta):
        fields = [*UnitForm.Meta.fields, "status"]


class SuccessionForm(ServiceModelForm):
    class Meta:
        model = Succession
        fields = ["successor", "kind", "effective_date", "basis"]
        widgets = {"effective_date": DateInput()}

    def __init__(self, *args, successors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["successor"].queryset = successors


class PersonForm(ServiceModelForm):
    versioned = True

    class Meta:
        model = Person
        fields = ["full_name", "email", "phone"]


class PositionForm(ServiceModelForm):
    """Appoint an existing person, or a new one by name, to a position in the unit."""

    full_name = forms.CharField(
        label=_("or a new person's full name"), required=False, max_length=200
    )
    new_email = forms.EmailField(label=_("new person's e-mail"), required=False)
    new_phone = forms.CharField(label=_("new person's phone"), required=False, max_length=30)

    class Meta:
        model = Position
        fields = ["person", "title", "can_sign", "start", "end"]
        widgets = {"start": DateInput(), "end": DateInput()}

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        self.fields["person"].required = False
        self.fields["person"].label = _("Existing person")
        self.order_fields(["person", "full_name", "new_email", "new_phone"])

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("person") and not cleaned.get("full_name", "").strip():
            self.add_error("person", _("Choose a person or enter a new person's name."))
        return cleaned

    def _get_validation_exclusions(self):
        # The person may not exist yet; the service validates the position in full.
        return {*super()._get_validation_exclusions(), "person", "unit"}

    def appoint_data(self):
        data = self.service_data()
        data.update(
            full_name=self.cleaned_data["full_name"],
            email=self.cleaned_data["new_email"],
            phone=self.cleaned_data["new_phone"],
        )
        return data


class PositionEditForm(ServiceModelForm):
    class Meta:
        model = Position
        fields = ["title", "can_sign", "start", "end"]
        widgets = {"start": DateInput(), "end": DateInput()}


# --- clusters, plans, cluster years, memberships --------------------------------------------


class ClusterForm(ServiceModelForm):
    class Meta:
        model = Cluster
        fields = ["parent", "name", "kind", "header_lines"]
        widgets = {"header_lines": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, parents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parents
        preselect_single(self, "parent")


class ClusterEditForm(ServiceModelForm):
    versioned = True

    class Meta:
        model = Cluster
        fields = ["name", "kind", "header_lines"]
        widgets = {"header_lines": forms.Textarea(attrs={"rows": 3})}


class PlanForm(ServiceModelForm):
    class Meta:
        model = Plan
        fields = ["parent", "year", "number", "symbol", "date", "title", "file"]
        widgets = {"date": DateInput()}
        help_texts = {"file": _("Optional: the signed plan as a PDF file.")}

    def __init__(self, *args, parents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parents
        preselect_single(self, "parent")


class PlanEditForm(ServiceModelForm):
    versioned = True

    class Meta:
        model = Plan
        fields = ["year", "number", "symbol", "date", "title", "file"]
        widgets = {"date": DateInput()}
        help_texts = {"file": _("Optional: the signed plan as a PDF file.")}


class ClusterYearForm(ServiceModelForm):
    class Meta:
        model = ClusterYear
        fields = ["cluster", "year", "plan"]

    def __init__(self, *args, clusters, plans, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cluster"].queryset = clusters
        self.fields["plan"].queryset = plans
        preselect_single(self, "cluster")


class ClusterYearEditForm(ServiceModelForm):
    versioned = True

    class Meta:
        model = ClusterYear
        fields = ["plan"]

    def __init__(self, *args, plans, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans


class SigningModeForm(forms.Form):
    """How the cluster year's agreement is signed (parent staff, before the signing begins)."""

    mode = forms.ChoiceField(
        label=_("How the agreement is signed"),
        choices=ClusterYear.SigningMode.choices,
        widget=forms.RadioSelect,
    )


class MembershipForm(ServiceModelForm):
    class Meta:
        model = Membership
        fields = ["unit", "role", "order"]

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["order"].required = False
        self.fields["order"].initial = None  # not the model's 0: empty adds at the end
        self.fields["order"].help_text = _("Leave empty to add the unit at the end.")


class MembershipEditForm(ServiceModelForm):
    class Meta:
        model = Membership
        fields = ["role", "order"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].help_text = _(
            "Choosing the role another unit holds (head or deputy) exchanges the two units' "
            "roles in one step."
        )


class RolloverForm(CrispyMixin, forms.Form):
    head = forms.ModelChoiceField(label=_("Cluster head next year"), queryset=Unit.objects.none())
    deputy = forms.ModelChoiceField(
        label=_("Deputy head next year"), queryset=Unit.objects.none(), required=False
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["head"].queryset = members
        self.fields["deputy"].queryset = members
        self.setup_helper()


class RolloverAllForm(CrispyMixin, forms.Form):
    parent = forms.ModelChoiceField(label=_("Parent body"), queryset=Unit.objects.none())
    year = forms.IntegerField(label=_("From the year"), min_value=2000, max_value=2100)

    def __init__(self, *args, parents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = parents
        self.setup_helper()


# --- import -------------------------------------------------------------------------------


class ImportForm(CrispyMixin, forms.Form):
    kind = forms.ChoiceField(label=_("What the file contains"))
    file = forms.FileField(
        label=_("File (.xlsx or .csv)"),
        validators=[UploadValidator(SPREADSHEETS, max_bytes=IMPORT_MAX_BYTES)],
        help_text=_("Excel (.xlsx) or CSV in UTF-8; the first row holds the column names."),
    )

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kinds
        self.setup_helper()
