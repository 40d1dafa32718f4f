"""Pages for the facts risk rules read (DfE interventions, DCS history) and for the rules.

Interventions and DCS history are public facts: every member sees them. Rules are shown to
everyone who may see flags, and to national staff, who edit the facts and the rules (anyone
else who may see them gets 403 on a change page). Anyone else gets a 404.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from cib_portal import access

from .. import imports, permissions
from ..forms.facts import (
    DcsFilterForm,
    DcsTenureForm,
    FactImportForm,
    InterventionFilterForm,
    InterventionForm,
    RuleForm,
)
from ..models import FactImportRun, FactImportStatus, Rule
from ..selectors import facts as fact_selectors
from ..selectors import rules as rule_selectors
from ..services import fact_imports
from ..services import facts as fact_services
from ..services import rules as rule_services

PER_PAGE = 50
NAV = "risk"


def _require_member(request: HttpRequest) -> None:
    access.require(access.is_member(request.user))


def _require_editor(request: HttpRequest) -> None:
    _require_member(request)
    access.require_permission(permissions.can_edit_risk_facts(request.user))


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


# --- Interventions and DCS history: the same pages for each ----------------------------------


@dataclass(frozen=True)
class FactPages:
    """One kind of fact's pages. URL names are `earlysupport:<prefix>_list` (and _create,
    _edit, _delete, _import); templates `earlysupport/facts/<prefix>_list.html` (and _form,
    _delete, _import). The list page shows its rows as `rows_name`; the form and delete
    pages the object as `object_name`."""

    prefix: str
    spec: fact_services.FactSpec
    form: type
    filter_form: type
    filter: Callable[..., Any]
    rows_name: str
    object_name: str

    def url_name(self, page: str) -> str:
        return f"earlysupport:{self.prefix}_{page}"

    def template(self, page: str) -> str:
        return f"earlysupport/facts/{self.prefix}_{page}.html"

    def url_names(self) -> dict[str, str]:
        return {p: self.url_name(p) for p in ("list", "create", "import", "edit", "delete")}

    def object_context(self, obj) -> dict:
        """The form and delete pages' context: the fact as `fact` and as `object_name`."""
        return {self.object_name: obj, "fact": obj, "urls": self.url_names(), "nav_section": NAV}


INTERVENTIONS = FactPages(
    prefix="intervention",
    spec=fact_services.INTERVENTIONS,
    form=InterventionForm,
    filter_form=InterventionFilterForm,
    filter=fact_selectors.interventions_filter,
    rows_name="interventions",
    object_name="intervention",
)
DCS_HISTORY = FactPages(
    prefix="dcs",
    spec=fact_services.DCS_HISTORY,
    form=DcsTenureForm,
    filter_form=DcsFilterForm,
    filter=fact_selectors.dcs_filter,
    rows_name="tenures",
    object_name="tenure",
)


def _fact_list(request: HttpRequest, pages: FactPages) -> HttpResponse:
    _require_member(request)
    form = pages.filter_form(request.GET or None)
    filters = {}
    if form.is_bound and form.is_valid():
        # The filter form's fields are the filter's arguments, but for the region.
        filters = dict(form.cleaned_data)
        region = filters.pop("region")
        filters["region_id"] = region.pk if region else None
    qs = pages.filter(**filters)
    page_obj = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        pages.template("list"),
        {
            "form": form,
            "page_obj": page_obj,
            pages.rows_name: page_obj.object_list,
            "total": page_obj.paginator.count,
            "may_edit": permissions.can_edit_risk_facts(request.user),
            "querystring_without_page": _querystring_without_page(request),
            "urls": pages.url_names(),
            "nav_section": NAV,
        },
    )


def _fact_form(request: HttpRequest, pages: FactPages, obj) -> HttpResponse:
    initial = {name: getattr(obj, name) for name in pages.form.base_fields} if obj else {}
    form = pages.form(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = fact_services.fact_save(
                pages.spec, user=request.user, obj=obj, **form.cleaned_data
            )
        except ValidationError as exc:
            _add_validation_errors(form, exc)
        else:
            messages.success(request, f"Saved: {saved}.")
            return redirect(pages.url_name("list"))
    return render(
        request,
        pages.template("form"),
        {"form": form, **pages.object_context(obj)},
    )


def _fact_or_404(request: HttpRequest, pages: FactPages, pk: int):
    """The fact for an edit or delete page: 404 for a non-member or no such fact, 403 for a
    member who may not change facts."""
    _require_member(request)
    obj = get_object_or_404(pages.spec.model.objects.select_related("council"), pk=pk)
    _require_editor(request)
    return obj


def _fact_delete(request: HttpRequest, pages: FactPages, obj) -> HttpResponse:
    if request.method == "POST":
        text = str(obj)
        fact_services.fact_delete(pages.spec, user=request.user, obj=obj)
        messages.success(request, f"Deleted: {text}.")
        return redirect(pages.url_name("list"))
    return render(request, pages.template("delete"), pages.object_context(obj))


def _fact_import(request: HttpRequest, pages: FactPages) -> HttpResponse:
    form = FactImportForm(_posted(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        if fact_imports.fact_import_in_background(data):
            upload.seek(0)
            run = fact_imports.fact_import_run_start(pages.spec, user=request.user, upload=upload)
            return redirect("earlysupport:fact_import_run", pk=run.pk)
        try:
            result = fact_imports.fact_import(pages.spec, user=request.user, data=data)
        except imports.FactImportError as exc:
            for error in exc.errors:
                form.add_error("file", error)
        else:
            messages.success(request, f"File imported: {result}.")
            return redirect(pages.url_name("list"))
    return render(request, pages.template("import"), {"form": form, "nav_section": NAV})


def _fact_views(pages: FactPages):
    """The list, create, edit, delete and import views of one kind of fact."""

    def list_view(request: HttpRequest) -> HttpResponse:
        return _fact_list(request, pages)

    def create(request: HttpRequest) -> HttpResponse:
        _require_editor(request)
        return _fact_form(request, pages, None)

    def edit(request: HttpRequest, pk: int) -> HttpResponse:
        return _fact_form(request, pages, _fact_or_404(request, pages, pk))

    def delete(request: HttpRequest, pk: int) -> HttpResponse:
        return _fact_delete(request, pages, _fact_or_404(request, pages, pk))

    def import_view(request: HttpRequest) -> HttpResponse:
        _require_editor(request)
        return _fact_import(request, pages)

    views = []
    for page, view in (
        ("list", list_view),
        ("create", create),
        ("edit", edit),
        ("delete", delete),
        ("import", import_view),
    ):
        view.__name__ = view.__qualname__ = f"{pages.prefix}_{page}"
        views.append(login_required(view))
    return views


(
    intervention_list,
    intervention_create,
    intervention_edit,
    intervention_delete,
    intervention_import,
) = _fact_views(INTERVENTIONS)
dcs_list, dcs_create, dcs_edit, dcs_delete, dcs_import = _fact_views(DCS_HISTORY)


# --- Imports done by the worker -------------------------------------------------------------

_PAGES_BY_ACTION = {p.spec.kind: p for p in (INTERVENTIONS, DCS_HISTORY)}


def _import_run(request: HttpRequest, pk: int) -> FactImportRun:
    """A background import: seen by those who may import facts; a 404 for anyone else."""
    access.require(access.is_member(request.user) and permissions.can_edit_risk_facts(request.user))
    run = get_object_or_404(FactImportRun.objects.select_related("started_by"), pk=pk)
    if run.status == FactImportStatus.RUNNING and fact_imports.fact_import_run_reclaim_stale(
        run_ids=[run.pk]
    ):
        run.refresh_from_db()  # its worker died: the page says failed, upload again
    return run


@login_required
def fact_import_run(request: HttpRequest, pk: int) -> HttpResponse:
    run = _import_run(request, pk)
    pages = _PAGES_BY_ACTION[run.kind]
    return render(
        request,
        "earlysupport/facts/import_run.html",
        {
            "run": run,
            "progress": fact_imports.fact_import_progress_get(run=run),
            "status_url": reverse("earlysupport:fact_import_run_status", args=[run.pk]),
            "urls": pages.url_names(),
            "what": {"intervention": "interventions", "dcs_tenure": "DCS history"}[run.kind],
            "nav_section": NAV,
        },
    )


@login_required
def fact_import_run_status(request: HttpRequest, pk: int) -> JsonResponse:
    run = _import_run(request, pk)
    return JsonResponse(
        {
            "status": run.status,
            "status_label": run.get_status_display(),
            "progress": fact_imports.fact_import_progress_get(run=run),
            "finished": run.finished,
        }
    )


# --- Rules ---------------------------------------------------------------------------------


def _rule_rows(rules) -> list[dict]:
    return [
        {"rule": r, "thresholds": rule_selectors.rule_params_words(r.kind, r.params)} for r in rules
    ]


@login_required
def rule_list(request: HttpRequest) -> HttpResponse:
    access.require(permissions.may_see_rules(request.user))
    return render(
        request,
        "earlysupport/facts/rule_list.html",
        {
            "rows": _rule_rows(Rule.objects.all()),
            "may_edit": permissions.can_edit_risk_facts(request.user),
            "nav_section": NAV,
        },
    )


def _indicators(rule: Rule) -> list[dict]:
    from datasets.selectors import indicator_names

    names = indicator_names(list(rule.indicators))
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
        return rule_selectors.rule_params_words(rule.kind, value or {})
    if name == "is_active":
        return "Yes" if value else "No"
    if name == "indicators":
        return ", ".join(value) or "None"
    if name == "severity":
        return str(value).capitalize()
    return str(value)


def _history(rule: Rule) -> list[dict]:
    rows = []
    for event in rule_selectors.rule_history(rule):
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
    access.require(permissions.may_see_rules(request.user))
    rule = get_object_or_404(Rule, code=code)
    return render(
        request,
        "earlysupport/facts/rule_detail.html",
        {
            "rule": rule,
            "thresholds": rule_selectors.rule_params_words(rule.kind, rule.params),
            "indicators": _indicators(rule),
            "history": _history(rule),
            "may_edit": permissions.can_edit_risk_facts(request.user),
            "nav_section": NAV,
        },
    )


@login_required
def rule_edit(request: HttpRequest, code: str) -> HttpResponse:
    access.require(permissions.may_see_rules(request.user))
    rule = get_object_or_404(Rule, code=code)
    access.require_permission(permissions.can_edit_risk_facts(request.user))
    form = RuleForm(_posted(request), rule=rule)
    if request.method == "POST" and form.is_valid():
        try:
            rule_services.rule_update(
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
