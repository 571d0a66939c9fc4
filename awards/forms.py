"""Forms of the vote, proposal and catalogue pages. They read input only; services decide."""

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from awards import reports
from awards.models import AwardType, VoteBase, VoteSession, VoteTieBreak
from core.forms import DateTimeLocalInput, NumberField, deadline_field
from core.versioning import VersionField

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class _Helper:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


def _date_field(label, required=True):
    return forms.DateField(
        label=label, required=required, widget=DateInput(), input_formats=DATE_FORMATS
    )


# --- the meeting and the votes -------------------------------------------------------------


class MeetingForm(_Helper, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    held_at = forms.DateTimeField(
        label=_("Held at"),
        widget=DateTimeLocalInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
    )
    venue = forms.CharField(label=_("Venue"), max_length=300)
    chair_name = forms.CharField(label=_("Chair of the meeting (CHỦ TRÌ)"), max_length=200)
    chair_title = forms.CharField(label=_("Chair's position"), max_length=300, required=False)
    secretary_name = forms.CharField(label=_("Secretary (THƯ KÝ)"), max_length=200)
    secretary_title = forms.CharField(
        label=_("Secretary's position"), max_length=300, required=False
    )
    notes = forms.CharField(
        label=_("Other content of the minutes"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MeetingEditForm(MeetingForm):
    version = VersionField()


class AttendanceForm(forms.Form):
    present = forms.TypedMultipleChoiceField(
        label=_("Present"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, attendance, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [(a.unit_id, a.unit_name) for a in attendance]
        if not self.is_bound:
            self.initial["present"] = [a.unit_id for a in attendance if a.present]


class SessionCreateForm(_Helper, forms.Form):
    purpose = forms.ChoiceField(label=_("The vote is for"), choices=VoteSession.Purpose.choices)
    mode = forms.ChoiceField(
        label=_("How the members vote"),
        choices=VoteSession.Mode.choices,
        initial=VoteSession.Mode.ONLINE,
    )
    seats = NumberField(
        whole=True,
        label=_("How many to elect"),
        min_value=1,
        max_value=50,
        required=False,
        help_text=_("Leave empty for the usual number (one, or the certificates' quota)."),
    )

    def __init__(self, *args, purposes=None, **kwargs):
        super().__init__(*args, **kwargs)
        if purposes is not None:
            self.fields["purpose"].choices = [
                c for c in VoteSession.Purpose.choices if c[0] in purposes
            ]


class SessionUpdateForm(_Helper, forms.Form):
    mode = SessionCreateForm.base_fields["mode"]
    seats = NumberField(whole=True, label=_("How many to elect"), min_value=1, max_value=50)


class CandidateAddForm(_Helper, forms.Form):
    unit = forms.TypedChoiceField(label=_("Member unit"), coerce=int)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(u.pk, u.name) for u in units]


class BallotForm(forms.Form):
    """One unit's secret ballot: which unit votes, and its choices (none is a blank ballot)."""

    unit = forms.TypedChoiceField(label=_("Voting for"), coerce=int)
    choices = forms.TypedMultipleChoiceField(
        label=_("Your choice"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, units, candidates, seats, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(u.pk, u.name) for u in units]
        if len(units) == 1:
            self.fields["unit"].widget = forms.HiddenInput()
            self.initial["unit"] = units[0].pk
        if seats == 1:
            self.fields["choices"].widget = forms.RadioSelect()
            self.fields["choices"].help_text = _("Choose one candidate, or none.")
        else:
            self.fields["choices"].help_text = _("Choose at most %(n)s candidates.") % {"n": seats}

        # After the widget: a new widget would not know the choices.
        self.fields["choices"].choices = [(c.pk, c.unit_name) for c in candidates]

    def clean_choices(self):
        value = self.cleaned_data["choices"]
        return value if isinstance(value, list) else [value]


class PaperTallyForm(forms.Form):
    ballots_cast = NumberField(whole=True, label=_("Ballots cast"), min_value=0, max_value=10000)

    def __init__(self, *args, counts, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = [c.candidate for c in counts]
        for candidate in self.candidates:
            self.fields[f"votes_{candidate.pk}"] = NumberField(
                whole=True, label=candidate.unit_name, min_value=0, max_value=10000
            )

    def counts(self):
        return {c.pk: self.cleaned_data[f"votes_{c.pk}"] for c in self.candidates}


class DecideForm(_Helper, forms.Form):
    """The parent body's decision on a vote whose round was void."""

    elected = forms.TypedMultipleChoiceField(
        label=_("Elected"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None leaves the seats unfilled."),
    )
    reason = forms.CharField(
        label=_("Reason for the decision"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["elected"].choices = [(c.pk, c.unit_name) for c in candidates]


class MinutesForm(_Helper, forms.Form):
    date = _date_field(_("Date of the minutes"), required=False)


# --- the proposal file ---------------------------------------------------------------------


class ItemAddForm(_Helper, forms.Form):
    award_type = forms.TypedChoiceField(label=_("Award"), coerce=int)
    unit = forms.TypedChoiceField(label=_("Unit"), coerce=int)
    person_name = forms.CharField(
        label=_("Individual's name"),
        max_length=200,
        required=False,
        help_text=_("Only for awards to individuals; leave empty to nominate the unit."),
    )
    person_title = forms.CharField(label=_("Individual's position"), max_length=300, required=False)
    reason = forms.CharField(
        label=_("Achievements in brief"), max_length=20000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, award_types, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["award_type"].choices = [(t.pk, t.name) for t in award_types]
        self.fields["unit"].choices = [(u.pk, u.name) for u in units]


class ItemEditForm(_Helper, forms.Form):
    version = VersionField()
    reason = ItemAddForm.base_fields["reason"]
    person_title = ItemAddForm.base_fields["person_title"]


class ReportForm(_Helper, forms.Form):
    """The achievement report, a textarea per section of the collective template."""

    version = VersionField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for part, sections in reports.PARTS:
            for key, heading in sections:  # "II.2. Các biện pháp…": the part's numeral first
                self._section(key, f"{part.split('.')[0]}.{heading}")

    def _section(self, key, label):
        self.fields[key] = forms.CharField(
            label=label,
            required=False,
            max_length=reports.MAX_SECTION,
            widget=forms.Textarea(attrs={"rows": 5}),
        )

    @property
    def sections(self):
        return {key: self.cleaned_data.get(key, "") for key in reports.SECTION_KEYS}


class ReportFileForm(_Helper, forms.Form):
    file = forms.FileField(
        label=_("Achievement report (PDF, DOCX or ODT)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.odt"}),
    )


class SubmitForm(_Helper, forms.Form):
    date = _date_field(_("Date of the covering submission"), required=False)


class ReturnForm(_Helper, forms.Form):
    reason = forms.CharField(
        label=_("What the cluster must correct"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AcceptForm(forms.Form):
    accepted = forms.TypedMultipleChoiceField(
        label=_("Items accepted"), coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accepted"].choices = [
            (i.pk, f"{i.nominee} — {i.award_type.name}") for i in items
        ]
        if not self.is_bound:
            self.initial["accepted"] = [i.pk for i in items]
        # One note of the parent body per item (why an item is not accepted, what to complete).
        for item in items:
            self.fields[self.note_name(item.pk)] = forms.CharField(
                label=_("Note on %(nominee)s") % {"nominee": item.nominee},
                max_length=5000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=item.parent_note,
            )
        self.items = items

    @staticmethod
    def note_name(pk):
        return f"note_{pk}"

    def rows(self):
        """(checkbox, note field) per item, in the order of the items, for the template."""
        boxes = list(self["accepted"])
        return [(box, self[self.note_name(i.pk)]) for box, i in zip(boxes, self.items, strict=True)]

    def notes(self):
        return {i.pk: self.cleaned_data.get(self.note_name(i.pk), "") for i in self.items}


class DecisionForm(_Helper, forms.Form):
    number = forms.CharField(label=_("Decision number"), max_length=100)
    date = _date_field(_("Decision date"))
    signer_name = forms.CharField(label=_("Signed by"), max_length=200)
    signer_title = forms.CharField(label=_("Signer's position"), max_length=300, required=False)
    granted = forms.TypedMultipleChoiceField(
        label=_("Awards granted"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    scan = forms.FileField(
        label=_("Scanned decision (PDF)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf"}),
    )

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["granted"].choices = [
            (i.pk, f"{i.nominee} — {i.award_type.name}") for i in items
        ]
        if not self.is_bound:
            self.initial["granted"] = [i.pk for i in items]


class RevokeForm(_Helper, forms.Form):
    reason = forms.CharField(
        label=_("Reason for the revocation"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    items = forms.TypedMultipleChoiceField(
        label=_("Only these awards (none ticked: the whole decision)"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].choices = [(i.pk, f"{i.nominee} — {i.award_type.name}") for i in items]


# --- the catalogue and the vote rules ------------------------------------------------------


class AwardTypeForm(_Helper, forms.Form):
    order = NumberField(whole=True, label=_("Order"), min_value=0, max_value=999, initial=0)
    form = forms.ChoiceField(label=_("Form"), choices=AwardType.Form.choices)
    name = forms.CharField(label=_("Name"), max_length=300)
    issuer = forms.CharField(label=_("Issuing body"), max_length=300)
    recipient = forms.ChoiceField(label=_("For"), choices=AwardType.Recipient.choices)
    rank_one_only = forms.BooleanField(label=_("Only for the unit ranked first"), required=False)
    min_rating = forms.ChoiceField(label=_("Lowest rating accepted"), required=False)
    vote_purpose = forms.ChoiceField(
        label=_("Needs the vote"), choices=AwardType.VotePurpose.choices, required=False
    )
    quota_kind = forms.ChoiceField(label=_("Quota per cluster"), choices=AwardType.Quota.choices)
    quota_value = NumberField(
        # xgettext:no-python-format
        label=_("Quota (number, or % of the members)"),
        max_digits=6,
        decimal_places=2,
        required=False,
    )

    def __init__(self, *args, ratings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["min_rating"].choices = [("", _("Any rating"))] + [(r, r) for r in ratings]


class AwardTypeEditForm(AwardTypeForm):
    version = VersionField()


class VoteRulesForm(_Helper, forms.Form):
    version = VersionField(required=False)
    threshold_percent = NumberField(
        # xgettext:no-python-format
        label=_("Threshold (% of the base)"),
        max_digits=5,
        decimal_places=2,
        min_value=0,
        max_value=100,
    )
    strictly_more = forms.BooleanField(
        label=_("Strictly more than the threshold (“more than half”)"), required=False
    )
    base = forms.ChoiceField(label=_("Base"), choices=VoteBase.choices)
    rounds = NumberField(whole=True, label=_("Rounds allowed"), min_value=1, max_value=5)
    tie_break = forms.ChoiceField(label=_("Tie-break"), choices=VoteTieBreak.choices)


class RoundDeadlineForm(forms.Form):
    """When an online round that runs beyond the meeting closes (optional)."""

    deadline = deadline_field(_("Voting closes by"), required=False)


class ProposalDeadlineForm(forms.Form):
    due = deadline_field(_("Proposal files due by"))
