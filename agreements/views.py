"""Agreement pages: drafting in place (htmx partials), consultation, revisions, adoption.

Every edit form posts to its own URL. htmx requests get the partial of `detail.html` that
changed; the same forms work without JavaScript as a full-page POST and a redirect.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap, retarget, trigger_client_event

from agreements import access, content, selectors, services
from agreements.forms import (
    AgreementStartForm,
    AmendForm,
    AnswerForm,
    ClosingForm,
    CommentForm,
    ConferenceForm,
    CriterionForm,
    GuestFormSet,
    HeaderForm,
    SectionForm,
    TemplateCreateForm,
)
from agreements.models import Agreement, Comment, Conference, Criterion, Revision, Section
from clusters import access as cluster_access
from clusters.models import Unit
from core.audit import entries_for
from core.errors import ConflictError
from core.forms import apply_errors, call_service
from core.uploads import attachment_response

DETAIL = "agreements/detail.html"
PARTS = {"header": HeaderForm, "closing": ClosingForm}


# --- helpers -------------------------------------------------------------------------------


def _anchor(agreement, fragment=""):
    url = reverse("agreements:detail", args=[agreement.pk])
    return f"{url}#{fragment}" if fragment else url


def _refused(request, agreement):
    """The clear refusal of any change to an adopted (or superseded) agreement."""
    return render(request, "agreements/refused.html", {"agreement": agreement}, status=403)


def _save(form, service, *, record, **kwargs):
    """Call `service`; return (result, conflict). Other errors land on the form's fields.

    On a conflict the form keeps the user's input and takes the record's current version,
    so that saving again (after reviewing the other person's change) goes through.
    """
    try:
        return service(**kwargs), None
    except ConflictError as error:
        data = form.data.copy()
        data[form.add_prefix("version")] = (
            type(record).objects.values_list("version", flat=True).get(pk=record.pk)
        )
        form.data = data
        return None, error
    except ValidationError as error:
        apply_errors(form, error)
        return None, None


def _totals_context(agreement, sections=None):
    """The sections (criteria prefetched), each with its `points`, and the overall totals."""
    if sections is None:
        sections = selectors.sections_with_criteria(agreement)
    totals = selectors.totals(sections)
    for item in totals.sections:
        item.section.points = item.totals
    return {"totals": totals, "sections": sections}


def _section_of(context, pk):
    return next(s for s in context["sections"] if s.pk == pk)


def _roles(user, agreement):
    units = access.comment_units(user, agreement)
    return {
        "can_edit": access.can_edit(user, agreement),
        "can_run": access.can_run(user, agreement),
        "can_comment": agreement.status == Agreement.Status.CIRCULATED and bool(units),
        "comment_units": units,
    }


def _partial(request, name, context, *, status=200):
    """The named partial for htmx; the full editing page (around the same partial) otherwise."""
    if request.htmx:
        return render(request, f"{DETAIL}#{name}", context, status=status)
    return render(request, "agreements/edit.html", {**context, "partial": name}, status=status)


def _notice(request, agreement, error, fragment):
    """A service's refusal of a one-click action: a message; nothing changed."""
    text = " ".join(error.messages)
    if request.htmx:
        return trigger_client_event(HttpResponse(), "agreementNotice", {"message": text})
    messages.error(request, text)
    return redirect(_anchor(agreement, fragment))


def _moved(request, agreement, target, direction):
    if not request.htmx:
        return redirect(_anchor(agreement, target))
    # The page moves the element itself, so that open forms elsewhere keep their input.
    return trigger_client_event(
        HttpResponse(), "agreementMoved", {"target": target, "direction": direction}
    )


def _direction(request):
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        raise Http404
    return direction


def _comment_form(agreement, units, data=None):
    return CommentForm(
        data,
        units=units,
        sections=Section.objects.filter(agreement=agreement).order_by("order", "pk"),
        prefix="comment",
    )


def _form_errors(form):
    return [str(e) for errors in form.errors.values() for e in errors]


# --- cluster year: its agreements and "start a draft" --------------------------------------


def _cluster_year_page(request, cluster_year, form=None):
    agreements = selectors.cluster_year_agreements(cluster_year)
    can_draft = cluster_access.can_draft(request.user, cluster_year)
    return render(
        request,
        "agreements/cluster_year_agreements.html",
        {
            "cluster_year": cluster_year,
            "agreements": agreements,
            "can_start": can_draft and not any(a.is_editable for a in agreements),
            "form": form or AgreementStartForm(),
        },
    )


@require_GET
@login_required
def cluster_year_agreements(request, cluster_year_pk):
    cluster_year = cluster_access.get_cluster_year(request.user, cluster_year_pk)
    return _cluster_year_page(request, cluster_year)


@require_POST
@login_required
def agreement_start(request, cluster_year_pk):
    cluster_year = cluster_access.get_cluster_year(request.user, cluster_year_pk)
    if not cluster_access.can_draft(request.user, cluster_year):
        raise PermissionDenied
    form = AgreementStartForm(request.POST)
    agreement = form.is_valid() and call_service(
        form,
        services.agreement_create,
        actor=request.user,
        cluster_year=cluster_year,
        origin=form.cleaned_data["origin"],
    )
    if not agreement:
        return _cluster_year_page(request, cluster_year, form)
    messages.success(request, _("The draft was created. Add and edit its sections below."))
    return redirect(agreement)


# --- templates (parent staff) --------------------------------------------------------------


def _template_page(request, parents, form):
    return render(
        request,
        "agreements/template_list.html",
        {"templates": selectors.templates_of(parents), "form": form},
    )


def _template_parents(user):
    parents = cluster_access.manageable_parents(user)
    if not parents.exists():
        raise PermissionDenied
    return parents


@require_GET
@login_required
def template_list(request):
    parents = _template_parents(request.user)
    return _template_page(request, parents, TemplateCreateForm(parents=parents))


@require_POST
@login_required
def template_start(request):
    parents = _template_parents(request.user)
    form = TemplateCreateForm(request.POST, parents=parents)
    template = form.is_valid() and call_service(
        form,
        services.template_create,
        actor=request.user,
        parent=form.cleaned_data["parent"],
        year=form.cleaned_data["year"],
    )
    if not template:
        return _template_page(request, parents, form)
    return redirect(template)


# --- the agreement page --------------------------------------------------------------------


def detail_context(request, agreement):
    """Everything the agreement page shows, in a number of queries that does not grow."""
    roles = _roles(request.user, agreement)
    conference = (
        Conference.objects.filter(agreement=agreement).prefetch_related("hosts", "guests").first()
    )
    if conference is not None:
        conference.agreement = agreement
    revisions = selectors.revisions(agreement)
    return {
        "agreement": agreement,
        **roles,
        **_totals_context(agreement),
        "comments": selectors.comments(agreement),
        "conference": conference,
        "revisions": revisions[:5],
        "revision_count": len(revisions),
        "superseded_by": Agreement.objects.filter(supersedes=agreement).first(),
        "audit_entries": entries_for(agreement),
        "section_add_form": SectionForm(adding=True, prefix="new-section"),
        "comment_form": (
            _comment_form(agreement, roles["comment_units"]) if roles["can_comment"] else None
        ),
    }


@require_GET
@login_required
def agreement_detail(request, pk):
    agreement = access.get_agreement(request.user, pk)
    return render(request, DETAIL, detail_context(request, agreement))


@require_GET
@login_required
def agreement_part(request, pk, part):
    """One part of the page as shown (the "cancel" of its edit form)."""
    agreement = access.get_agreement(request.user, pk)
    if part not in PARTS:
        raise Http404
    if not request.htmx:
        return redirect(_anchor(agreement, f"agreement-{part}"))
    return render(
        request, f"{DETAIL}#{part}", {"agreement": agreement, **_roles(request.user, agreement)}
    )


# --- header and closing --------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def agreement_part_edit(request, pk, part):
    agreement = access.get_agreement_to_edit(request.user, pk)
    if part not in PARTS:
        raise Http404
    if agreement.is_frozen:
        return _refused(request, agreement)
    form_class, context = PARTS[part], {"agreement": agreement, "can_edit": True}
    if request.method == "GET":
        form = form_class(instance=agreement, initial={"version": agreement.version}, prefix=part)
        return _partial(request, f"{part}_form", {**context, "form": form})
    form = form_class(request.POST, instance=agreement, prefix=part)
    saved, conflict = None, None
    if form.is_valid():
        saved, conflict = _save(
            form,
            services.agreement_update,
            record=agreement,
            actor=request.user,
            agreement=agreement,
            expected_version=form.cleaned_data["version"],
            **{
                name: form.cleaned_data.get(name, getattr(agreement, name))
                for name in ("title", "place", "date", "legal_basis", "closing")
            },
        )
    if not saved:
        return _partial(request, f"{part}_form", {**context, "form": form, "conflict": conflict})
    if not request.htmx:
        messages.success(request, _("Saved."))
        return redirect(_anchor(agreement, f"agreement-{part}"))
    return render(request, f"{DETAIL}#{part}", {**context, "agreement": saved})


# --- sections ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def section_add(request, pk):
    agreement = access.get_agreement_to_edit(request.user, pk)
    if agreement.is_frozen:
        return _refused(request, agreement)
    context = {"agreement": agreement, "can_edit": True}
    if request.method == "GET":
        form = SectionForm(adding=True, prefix="new-section")
        return _partial(request, "section_add_form", {**context, "section_add_form": form})
    form = SectionForm(request.POST, adding=True, prefix="new-section")
    section = form.is_valid() and call_service(
        form,
        services.section_add,
        actor=request.user,
        agreement=agreement,
        heading=form.cleaned_data["heading"],
        text=form.cleaned_data["text"],
    )
    if not section:
        response = _partial(request, "section_add_form", {**context, "section_add_form": form})
        return reswap(retarget(response, "#section-add"), "outerHTML") if request.htmx else response
    if not request.htmx:
        messages.success(request, _("The section was added."))
        return redirect(_anchor(agreement, f"section-{section.pk}"))
    totals = _totals_context(agreement)
    return render(
        request,
        "agreements/section_added.html",
        {
            **context,
            **totals,
            "section": _section_of(totals, section.pk),
            "section_add_form": SectionForm(adding=True, prefix="new-section"),
        },
    )


@require_GET
@login_required
def section_show(request, pk):
    """The section's heading and text as shown (the "cancel" of its edit form)."""
    section = Section.objects.filter(pk=pk).first()
    if section is None:
        raise Http404
    agreement = access.get_agreement(request.user, section.agreement_id)
    if not request.htmx:
        return redirect(_anchor(agreement, f"section-{section.pk}"))
    context = {"agreement": agreement, "section": section, **_roles(request.user, agreement)}
    return render(request, f"{DETAIL}#section_body", context)


@require_http_methods(["GET", "POST"])
@login_required
def section_edit(request, pk):
    section = access.get_section_to_edit(request.user, pk)
    agreement = section.agreement
    if agreement.is_frozen:
        return _refused(request, agreement)
    context = {"agreement": agreement, "section": section, "can_edit": True}
    prefix = f"section-{section.pk}"
    if request.method == "GET":
        form = SectionForm(instance=section, initial={"version": section.version}, prefix=prefix)
        return _partial(request, "section_form", {**context, "form": form})
    form = SectionForm(request.POST, instance=section, prefix=prefix)
    saved, conflict = None, None
    if form.is_valid():
        saved, conflict = _save(
            form,
            services.section_update,
            record=section,
            actor=request.user,
            section=section,
            expected_version=form.cleaned_data["version"],
            heading=form.cleaned_data["heading"],
            text=form.cleaned_data["text"],
        )
    if not saved:
        return _partial(request, "section_form", {**context, "form": form, "conflict": conflict})
    if not request.htmx:
        messages.success(request, _("The section was saved."))
        return redirect(_anchor(agreement, f"section-{section.pk}"))
    return render(request, f"{DETAIL}#section_body", {**context, "section": saved})


@require_POST
@login_required
def section_remove(request, pk):
    section = access.get_section_to_edit(request.user, pk)
    agreement = section.agreement
    if agreement.is_frozen:
        return _refused(request, agreement)
    try:
        services.section_remove(actor=request.user, section=section)
    except ValidationError as error:
        return _notice(request, agreement, error, f"section-{pk}")
    if not request.htmx:
        messages.success(request, _("The section was removed."))
        return redirect(_anchor(agreement, "sections"))
    context = {"agreement": agreement, "oob": True, **_totals_context(agreement)}
    return render(request, f"{DETAIL}#totals", context)


@require_POST
@login_required
def section_move(request, pk):
    section = access.get_section_to_edit(request.user, pk)
    agreement = section.agreement
    if agreement.is_frozen:
        return _refused(request, agreement)
    direction = _direction(request)
    try:
        services.section_move(actor=request.user, section=section, direction=direction)
    except ValidationError as error:
        return _notice(request, agreement, error, f"section-{pk}")
    return _moved(request, agreement, f"section-{pk}", direction)


# --- criteria ------------------------------------------------------------------------------


def _criterion_response(request, agreement, criterion_pk, template):
    """The criterion's row, with its section's total and the overall totals swapped too."""
    criterion = Criterion.objects.get(pk=criterion_pk)
    totals = _totals_context(agreement)
    return render(
        request,
        template,
        {
            "agreement": agreement,
            "can_edit": True,
            "criterion": criterion,
            "section": _section_of(totals, criterion.section_id),
            **totals,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def criterion_add(request, pk):
    section = access.get_section_to_edit(request.user, pk)
    agreement = section.agreement
    if agreement.is_frozen:
        return _refused(request, agreement)
    context = {"agreement": agreement, "section": section, "can_edit": True}
    prefix = f"new-criterion-{section.pk}"
    if request.method == "GET":
        if request.htmx and request.GET.get("cancel"):
            return render(request, f"{DETAIL}#criterion_add_button", context)
        form = CriterionForm(adding=True, prefix=prefix)
        return _partial(request, "criterion_add_form", {**context, "form": form})
    form = CriterionForm(request.POST, adding=True, prefix=prefix)
    criterion = form.is_valid() and call_service(
        form, services.criterion_add, actor=request.user, section=section, **form.values()
    )
    if not criterion:
        response = _partial(request, "criterion_add_form", {**context, "form": form})
        if request.htmx:
            response = reswap(retarget(response, f"#criterion-add-{section.pk}"), "innerHTML")
        return response
    if not request.htmx:
        messages.success(request, _("The criterion was added."))
        return redirect(_anchor(agreement, f"criterion-{criterion.pk}"))
    return _criterion_response(request, agreement, criterion.pk, "agreements/criterion_added.html")


@require_GET
@login_required
def criterion_show(request, pk):
    """The criterion's row as shown (the "cancel" of its edit form)."""
    criterion = Criterion.objects.select_related("section").filter(pk=pk).first()
    if criterion is None:
        raise Http404
    agreement = access.get_agreement(request.user, criterion.section.agreement_id)
    if not request.htmx:
        return redirect(_anchor(agreement, f"criterion-{criterion.pk}"))
    context = {"agreement": agreement, "criterion": criterion, **_roles(request.user, agreement)}
    return render(request, f"{DETAIL}#criterion", context)


@require_http_methods(["GET", "POST"])
@login_required
def criterion_edit(request, pk):
    criterion = access.get_criterion_to_edit(request.user, pk)
    agreement = criterion.section.agreement
    if agreement.is_frozen:
        return _refused(request, agreement)
    context = {"agreement": agreement, "criterion": criterion, "can_edit": True}
    prefix = f"criterion-{criterion.pk}"
    if request.method == "GET":
        initial = {"version": criterion.version}
        form = CriterionForm(instance=criterion, initial=initial, prefix=prefix)
        return _partial(request, "criterion_form", {**context, "form": form})
    form = CriterionForm(request.POST, instance=criterion, prefix=prefix)
    saved, conflict = None, None
    if form.is_valid():
        saved, conflict = _save(
            form,
            services.criterion_update,
            record=criterion,
            actor=request.user,
            criterion=criterion,
            expected_version=form.cleaned_data["version"],
            **form.values(),
        )
    if not saved:
        context = {**context, "form": form, "conflict": conflict}
        return _partial(request, "criterion_form", context)
    if not request.htmx:
        messages.success(request, _("The criterion was saved."))
        return redirect(_anchor(agreement, f"criterion-{pk}"))
    return _criterion_response(request, agreement, pk, "agreements/criterion_saved.html")


@require_POST
@login_required
def criterion_remove(request, pk):
    criterion = access.get_criterion_to_edit(request.user, pk)
    agreement = criterion.section.agreement
    if agreement.is_frozen:
        return _refused(request, agreement)
    try:
        services.criterion_remove(actor=request.user, criterion=criterion)
    except ValidationError as error:
        return _notice(request, agreement, error, f"criterion-{pk}")
    if not request.htmx:
        messages.success(request, _("The criterion was removed."))
        return redirect(_anchor(agreement, f"section-{criterion.section_id}"))
    totals = _totals_context(agreement)
    return render(
        request,
        "agreements/criterion_removed.html",
        {"agreement": agreement, "section": _section_of(totals, criterion.section_id), **totals},
    )


@require_POST
@login_required
def criterion_move(request, pk):
    criterion = access.get_criterion_to_edit(request.user, pk)
    agreement = criterion.section.agreement
    if agreement.is_frozen:
        return _refused(request, agreement)
    direction = _direction(request)
    try:
        services.criterion_move(actor=request.user, criterion=criterion, direction=direction)
    except ValidationError as error:
        return _notice(request, agreement, error, f"criterion-{pk}")
    return _moved(request, agreement, f"criterion-{pk}", direction)


# --- consultation --------------------------------------------------------------------------


def _one_click(request, service, success, **kwargs):
    """Run a one-button transition; say what happened (or why not) on the agreement page."""
    try:
        service(actor=request.user, **kwargs)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)
    return redirect(kwargs["agreement"])


@require_POST
@login_required
def agreement_circulate(request, pk):
    agreement = access.get_agreement_to_run(request.user, pk)
    return _one_click(
        request,
        services.agreement_circulate,
        _("The draft was circulated; the members were notified by e-mail."),
        agreement=agreement,
    )


@require_POST
@login_required
def comment_add(request, pk):
    agreement = access.get_agreement_to_comment(request.user, pk)
    units = access.comment_units(request.user, agreement)
    form = _comment_form(agreement, units, request.POST)
    comment = form.is_valid() and call_service(
        form,
        services.comment_add,
        actor=request.user,
        agreement=agreement,
        unit=form.cleaned_data["unit"],
        text=form.cleaned_data["text"],
        section=form.cleaned_data["section"],
    )
    context = {"agreement": agreement, **_roles(request.user, agreement)}
    if not comment:
        if request.htmx:
            response = render(request, f"{DETAIL}#comment_form", {**context, "comment_form": form})
            return reswap(retarget(response, "#comment-add"), "outerHTML")
        messages.error(request, " ".join(_form_errors(form)))
        return redirect(_anchor(agreement, "comments"))
    if not request.htmx:
        messages.success(request, _("Your comment was sent to the cluster head."))
        return redirect(_anchor(agreement, f"comment-{comment.pk}"))
    return render(
        request,
        "agreements/comment_added.html",
        {**context, "comment": comment, "comment_form": _comment_form(agreement, units)},
    )


def _comment_response(request, pk, form=None, errors=()):
    comment = Comment.objects.select_related("unit", "section", "author").get(pk=pk)
    agreement = access.get_agreement(request.user, comment.agreement_id)
    errors = list(errors) + (_form_errors(form) if form is not None else [])
    if not request.htmx:
        if errors:
            messages.error(request, " ".join(errors))
        return redirect(_anchor(agreement, f"comment-{pk}"))
    context = {"agreement": agreement, "comment": comment, **_roles(request.user, agreement)}
    return render(
        request, f"{DETAIL}#comment", {**context, "answer_form": form, "comment_errors": errors}
    )


@require_POST
@login_required
def comment_answer(request, pk):
    comment = access.get_comment_to_run(request.user, pk)
    form = AnswerForm(request.POST, prefix=f"answer-{pk}")
    answered = form.is_valid() and call_service(
        form,
        services.comment_answer,
        actor=request.user,
        comment=comment,
        answer=form.cleaned_data["answer"],
    )
    if answered and not request.htmx:
        messages.success(request, _("Your answer was sent to the member."))
    return _comment_response(request, pk, None if answered else form)


@require_POST
@login_required
def comment_resolve(request, pk):
    comment = access.get_comment_to_run(request.user, pk)
    try:
        services.comment_resolve(actor=request.user, comment=comment)
    except ValidationError as error:
        return _comment_response(request, pk, errors=error.messages)
    return _comment_response(request, pk)


# --- revisions -----------------------------------------------------------------------------


@require_GET
@login_required
def revision_list(request, pk):
    agreement = access.get_agreement(request.user, pk)
    context = {"agreement": agreement, "revisions": selectors.revisions(agreement)}
    return render(request, "agreements/revisions.html", context)


def _revision(agreement, number):
    try:
        return Revision.objects.get(agreement=agreement, number=int(number))
    except (Revision.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


@require_GET
@login_required
def revision_diff(request, pk):
    agreement = access.get_agreement(request.user, pk)
    numbers = list(agreement.revisions.order_by("number").values_list("number", flat=True))
    if not numbers:
        raise Http404
    new = _revision(agreement, request.GET.get("b", numbers[-1]))
    old = _revision(agreement, request.GET.get("a", max(new.number - 1, numbers[0])))
    return render(
        request,
        "agreements/diff.html",
        {
            "agreement": agreement,
            "old": old,
            "new": new,
            "diff": content.diff_revisions(old, new),
            "numbers": numbers,
        },
    )


# --- adoption, amendment, conference -------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def agreement_adopt(request, pk):
    agreement = access.get_agreement_to_run(request.user, pk)
    if agreement.is_frozen:
        return _refused(request, agreement)
    if request.method == "POST":
        if request.POST.get("confirm") == "yes":
            return _one_click(
                request,
                services.agreement_adopt,
                _("The agreement was adopted; its content is now frozen."),
                agreement=agreement,
            )
        messages.error(request, _("Tick the box to confirm the adoption."))
    context = {
        "agreement": agreement,
        **_totals_context(agreement),
        "open_comments": agreement.comments.filter(status=Comment.Status.OPEN).count(),
    }
    return render(request, "agreements/adopt.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def agreement_amend(request, pk):
    agreement = access.get_agreement_to_run(request.user, pk)
    form = AmendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        amendment = call_service(
            form,
            services.agreement_amend,
            actor=request.user,
            agreement=agreement,
            reason=form.cleaned_data["reason"],
        )
        if amendment:
            messages.success(
                request, _("The amendment was created as a draft; edit it, then adopt it again.")
            )
            return redirect(amendment)
    return render(request, "agreements/amend.html", {"agreement": agreement, "form": form})


@require_http_methods(["GET", "POST"])
@login_required
def conference_edit(request, pk):
    agreement = access.get_agreement_to_run(request.user, pk)
    conference = Conference.objects.filter(agreement=agreement).first()
    members = Unit.objects.filter(pk__in=cluster_access.member_unit_ids(agreement.cluster_year))
    if request.method == "GET":
        version = conference.version if conference else 0
        form = ConferenceForm(instance=conference, members=members, initial={"version": version})
        guests = GuestFormSet(
            prefix="guests",
            initial=[
                {"name": g.name, "title": g.title, "organisation": g.organisation}
                for g in (conference.guests.all() if conference else [])
            ],
        )
        return _conference_page(request, agreement, form, guests)
    form = ConferenceForm(request.POST, request.FILES, instance=conference, members=members)
    guests = GuestFormSet(request.POST, prefix="guests")
    conflict = None
    if form.is_valid() and guests.is_valid():
        try:
            _conference, warnings = services.conference_save(
                actor=request.user,
                agreement=agreement,
                expected_version=form.cleaned_data["version"],
                starts_at=form.cleaned_data["starts_at"],
                venue=form.cleaned_data["venue"],
                hosts=list(form.cleaned_data["hosts"]),
                minutes=form.cleaned_data["minutes"],
                minutes_file=form.cleaned_data["minutes_file"] or None,
                guests=[
                    {name: g.cleaned_data[name] for name in ("name", "title", "organisation")}
                    for g in guests
                    if g.has_changed() and not g.cleaned_data.get("DELETE")
                ],
            )
        except ConflictError as error:
            # Keep the user's input; saving again means "I have seen their change".
            conflict, data = error, form.data.copy()
            data["version"] = (
                Conference.objects.filter(agreement=agreement)
                .values_list("version", flat=True)
                .first()
            )
            form.data = data
        except ValidationError as error:
            apply_errors(form, error)
        else:
            for warning in warnings:
                messages.warning(request, warning)
            messages.success(request, _("The signing conference was recorded."))
            return redirect(_anchor(agreement, "conference"))
    return _conference_page(request, agreement, form, guests, conflict)


def _conference_page(request, agreement, form, guests, conflict=None):
    context = {"agreement": agreement, "form": form, "guests": guests, "conflict": conflict}
    return render(
        request, "agreements/conference_form.html", context, status=409 if conflict else 200
    )


@require_GET
@login_required
def conference_minutes_file(request, pk):
    agreement = access.get_agreement(request.user, pk)
    conference = Conference.objects.filter(agreement=agreement).first()
    if conference is None or not conference.minutes_file:
        raise Http404
    return attachment_response(conference.minutes_file, f"bien-ban-hoi-nghi-{agreement.pk}.pdf")
