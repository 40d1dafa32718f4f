"""Pages for the facts risk rules read (DfE interventions, DCS history) and for the rules.

Interventions and DCS history are public facts: every member sees them. Rules are shown to
everyone who may see flags, and to national staff, who edit the facts and the rules (anyone
else who may see them gets 403 on a change page). Anyone else gets a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from cib_portal import access

from . import facts
from .forms_facts import (
    DcsFilterForm,
    DcsTenureForm,
    FactImportForm,
    InterventionFilterForm,
    InterventionForm,
    RuleForm,
)
from .models import DcsTenure, Intervention, Rule

PER_PAGE = 50
NAV = "risk"


def _require_member(request: HttpRequest) -> None:
    access.require(access.is_member(request.user))


def _require_editor(request: HttpRequest) -> None:
    _require_member(request)
    if not access.can_edit_risk_facts(request.user):
        raise PermissionDenied


def _may_see_rules(user) -> bool:
    return access.may_see_any_flags(user) or access.can_edit_risk_facts(user)


def _posted(request: HttpRequest):
    """The POST data for a form (bound even when empty), or None for a GET."""
    return request.POST if request.method == "POST" else None


def _querystring_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _add_validation_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


# --- Interventions -------------------------------------------------------------------------


@login_required
def intervention_list(request: HttpRequest) -> HttpResponse:
    _require_member(request)
    form = InterventionFilterForm(request.GET or None)
    filters = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = {
            "council": data["council"],
            "region_id": data["region"].pk if data["region"] else None,
            "kind": data["kind"],
            "active_on": data["active_on"],
        }
    qs = facts.interventions_filter(**filters)
    page_obj = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "earlysupport/facts/intervention_list.html",
        {
            "form": form,
            "page_obj": page_obj,
            "interventions": page_obj.object_list,
            "total": page_obj.paginator.count,
            "may_edit": access.can_edit_risk_facts(request.user),
            "querystring_without_page": _querystring_without_page(request),
            "nav_section": NAV,
        },
    )


def _intervention_form(request: HttpRequest, intervention: Intervention | None) -> HttpResponse:
    if intervention:
        initial = {
            "council": intervention.council,
            "kind": intervention.kind,
            "starts_on": intervention.starts_on,
            "ends_on": intervention.ends_on,
            "notes": intervention.notes,
        }
    else:
        initial = {}
    form = InterventionForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = facts.intervention_save(
                user=request.user, intervention=intervention, **form.cleaned_data
            )
        except ValidationError as exc:
            _add_validation_errors(form, exc)
        else:
            messages.success(request, f"Saved: {saved}.")
            return redirect("earlysupport:intervention_list")
    return render(
        request,
        "earlysupport/facts/intervention_form.html",
        {"form": form, "intervention": intervention, "nav_section": NAV},
    )


@login_required
def intervention_create(request: HttpRequest) -> HttpResponse:
    _require_editor(request)
    return _intervention_form(request, None)


@login_required
def intervention_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_member(request)
    intervention = get_object_or_404(Intervention.objects.select_related("council"), pk=pk)
    _require_editor(request)
    return _intervention_form(request, intervention)


@login_required
def intervention_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _require_member(request)
    intervention = get_object_or_404(Intervention.objects.select_related("council"), pk=pk)
    _require_editor(request)
    if request.method == "POST":
        text = str(intervention)
        facts.intervention_delete(user=request.user, intervention=intervention)
        messages.success(request, f"Deleted: {text}.")
        return redirect("earlysupport:intervention_list")
    return render(
        request,
        "earlysupport/facts/intervention_delete.html",
        {"intervention": intervention, "nav_section": NAV},
    )


def _import(request: HttpRequest, *, service, template: str, done: str) -> HttpResponse:
    form = FactImportForm(_posted(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = service(user=request.user, data=form.cleaned_data["file"].read())
        except facts.FactImportError as exc:
            for error in exc.errors:
                form.add_error("file", error)
        else:
            messages.success(request, f"File imported: {result}.")
            return redirect(done)
    return render(request, template, {"form": form, "nav_section": NAV})


@login_required
def intervention_import(request: HttpRequest) -> HttpResponse:
    _require_editor(request)
    return _import(
        request,
        service=facts.interventions_import,
        template="earlysupport/facts/intervention_import.html",
        done="earlysupport:intervention_list",
    )


# --- DCS history ---------------------------------------------------------------------------


@login_required
def dcs_list(request: HttpRequest) -> HttpResponse:
    _require_member(request)
    form = DcsFilterForm(request.GET or None)
    filters = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = {
            "council": data["council"],
            "region_id": data["region"].pk if data["region"] else None,
            "on": data["on"],
        }
    qs = facts.dcs_filter(**filters)
    page_obj = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "earlysupport/facts/dcs_list.html",
        {
            "form": form,
            "page_obj": page_obj,
            "tenures": page_obj.object_list,
            "total": page_obj.paginator.count,
            "may_edit": access.can_edit_risk_facts(request.user),
            "querystring_without_page": _querystring_without_page(request),
            "nav_section": NAV,
        },
    )


def _dcs_form(request: HttpRequest, tenure: DcsTenure | None) -> HttpResponse:
    initial = {}
    if tenure:
        initial = {
            "council": tenure.council,
            "name": tenure.name,
            "starts_on": tenure.starts_on,
            "ends_on": tenure.ends_on,
            "interim": tenure.interim,
        }
    form = DcsTenureForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = facts.dcs_tenure_save(user=request.user, tenure=tenure, **form.cleaned_data)
        except ValidationError as exc:
            _add_validation_errors(form, exc)
        else:
            messages.success(request, f"Saved: {saved}.")
            return redirect("earlysupport:dcs_list")
    return render(
        request,
        "earlysupport/facts/dcs_form.html",
        {"form": form, "tenure": tenure, "nav_section": NAV},
    )


@login_required
def dcs_create(request: HttpRequest) -> HttpResponse:
    _require_editor(request)
    return _dcs_form(request, None)


@login_required
def dcs_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_member(request)
    tenure = get_object_or_404(DcsTenure.objects.select_related("council"), pk=pk)
    _require_editor(request)
    return _dcs_form(request, tenure)


@login_required
def dcs_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _require_member(request)
    tenure = get_object_or_404(DcsTenure.objects.select_related("council"), pk=pk)
    _require_editor(request)
    if request.method == "POST":
        text = str(tenure)
        facts.dcs_tenure_delete(user=request.user, tenure=tenure)
        messages.success(request, f"Deleted: {text}.")
        return redirect("earlysupport:dcs_list")
    return render(
        request, "earlysupport/facts/dcs_delete.html", {"tenure": tenure, "nav_section": NAV}
    )


@login_required
def dcs_import(request: HttpRequest) -> HttpResponse:
    _require_editor(request)
    return _import(
        request,
        service=facts.dcs_import,
        template="earlysupport/facts/dcs_import.html",
        done="earlysupport:dcs_list",
    )


# --- Rules ---------------------------------------------------------------------------------


def _rule_rows(rules) -> list[dict]:
    return [{"rule": r, "thresholds": facts.rule_params_words(r.kind, r.params)} for r in rules]


@login_required
def rule_list(request: HttpRequest) -> HttpResponse:
    access.require(_may_see_rules(request.user))
    return render(
        request,
        "earlysupport/facts/rule_list.html",
        {
            "rows": _rule_rows(Rule.objects.all()),
            "may_edit": access.can_edit_risk_facts(request.user),
            "nav_section": NAV,
        },
    )


def _indicators(rule: Rule) -> list[dict]:
    from datasets.models import Indicator

    names = dict(Indicator.objects.filter(code__in=rule.indicators).values_list("code", "name"))
    return [{"code": c, "name": names.get(c), "exists": c in names} for c in rule.indicators]


FIELD_LABELS = {
    "severity": "Severity",
    "weight": "Weight",
    "is_active": "Active",
    "rationale": "Rationale",
    "indicators": "Indicators watched",
    "params": "Raises a flag when",
}


def _setting_words(rule: Rule, name: str, value) -> str:
    if name == "params":
        return facts.rule_params_words(rule.kind, value or {})
    if name == "is_active":
        return "Yes" if value else "No"
    if name == "indicators":
        return ", ".join(value) or "None"
    if name == "severity":
        return str(value).capitalize()
    return str(value)


def _history(rule: Rule) -> list[dict]:
    rows = []
    for event in facts.rule_history(rule):
        before, after = event.before or {}, event.after or {}
        rows.append(
            {
                "event": event,
                "reason": after.get("reason", ""),
                "changes": [
                    {
                        "label": FIELD_LABELS.get(name, name),
                        "before": _setting_words(rule, name, before[name]),
                        "after": _setting_words(rule, name, after.get(name)),
                    }
                    for name in before
                ],
            }
        )
    return rows


@login_required
def rule_detail(request: HttpRequest, code: str) -> HttpResponse:
    access.require(_may_see_rules(request.user))
    rule = get_object_or_404(Rule, code=code)
    return render(
        request,
        "earlysupport/facts/rule_detail.html",
        {
            "rule": rule,
            "thresholds": facts.rule_params_words(rule.kind, rule.params),
            "indicators": _indicators(rule),
            "history": _history(rule),
            "may_edit": access.can_edit_risk_facts(request.user),
            "nav_section": NAV,
        },
    )


@login_required
def rule_edit(request: HttpRequest, code: str) -> HttpResponse:
    access.require(_may_see_rules(request.user))
    rule = get_object_or_404(Rule, code=code)
    if not access.can_edit_risk_facts(request.user):
        raise PermissionDenied
    form = RuleForm(_posted(request), rule=rule)
    if request.method == "POST" and form.is_valid():
        try:
            facts.rule_update(
                user=request.user, rule=rule, reason=form.cleaned_data["reason"], **form.changes()
            )
        except ValidationError as exc:
            _add_validation_errors(form, exc)
        else:
            messages.success(request, f"The rule ‘{rule.name}’ has been changed.")
            return redirect("earlysupport:rule_detail", code=rule.code)
    return render(
        request,
        "earlysupport/facts/rule_edit.html",
        {"form": form, "rule": rule, "nav_section": NAV},
    )
