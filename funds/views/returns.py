"""Quarterly return pages: the list, a return with its figures and history, and the steps of
its life cycle (edit, sign off, submit, accept or return with comments), each confirmed.

Returns a user may not see are 404; a user who may see a return but not take a step gets 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from audit.selectors import events_for
from cib_portal import access
from regions.models import Region

from .. import permissions, selectors
from ..filters import ReturnFilter, filter_by
from ..forms.returns import ReturnFilterForm, ReturnForm, SendBackForm
from ..models import QuarterlyReturn, ReturnStatus, financial_year_label
from ..services import FundsError
from ..services import returns as svc

PAGE_SIZE = 25
DETAIL = "funds:return_detail"


def _visible(user) -> tuple:
    """(queryset of the returns the user may see, region ids or None for all); 404 when
    the user sees no region's funds."""
    region_ids = permissions.funds_region_ids(user)
    access.require(region_ids is None or bool(region_ids))
    return selectors.returns_visible(user=user), region_ids


def _return_for(request: HttpRequest, pk: int) -> QuarterlyReturn:
    """The return, or a 404 for anyone who may not see its region's funds."""
    return get_object_or_404(
        selectors.returns_visible(user=request.user).select_related(
            "drafted_by", "signed_off_by", "submitted_by", "reviewed_by"
        ),
        pk=pk,
    )


def _actions(user, ret: QuarterlyReturn) -> dict[str, bool]:
    editable = ret.status in svc.EDITABLE_STATUSES
    return {
        "may_edit": bool(permissions.can_edit_return(user, ret)) and editable,
        "may_sign_off": bool(permissions.can_sign_off_return(user, ret)) and editable,
        "may_submit": bool(permissions.can_submit_return(user, ret))
        and ret.status == ReturnStatus.SIGNED_OFF,
        "may_review": bool(permissions.can_review_return(user, ret))
        and ret.status == ReturnStatus.SUBMITTED,
    }


def _title(ret: QuarterlyReturn) -> str:
    """The return's name, as its page's heading says it (and so its title starts)."""
    return f"{ret.agreement.region.name}: {ret.agreement.label}, quarter {ret.quarter}"


@login_required
def return_list(request: HttpRequest) -> HttpResponse:
    returns, region_ids = _visible(request.user)
    years = sorted(set(returns.values_list("agreement__financial_year", flat=True)), reverse=True)
    regions = Region.objects.order_by("name")
    if region_ids is not None:
        regions = regions.filter(pk__in=region_ids)
    filters = ReturnFilterForm(
        request.GET or None,
        years=[(y, financial_year_label(y)) for y in years],
        regions=regions,
    )
    if filters.is_bound and filters.is_valid():
        data = filters.cleaned_data
        region = data.get("region")
        returns = filter_by(
            ReturnFilter,
            returns,
            year=data.get("year"),
            region=region.pk if region else None,
            status=data.get("status"),
            quarter=data.get("quarter"),
        )
    returns = returns.order_by("-agreement__financial_year", "agreement__region__name", "quarter")
    page_obj = Paginator(returns, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    for ret in page_obj.object_list:
        ret.overdue = svc.is_overdue(ret, today)
    return render(
        request,
        "funds/returns/list.html",
        {
            "filters": filters,
            "page_obj": page_obj,
            "filtered": any(request.GET.get(k) for k in ("year", "region", "status", "quarter")),
            "nav_section": "funds",
        },
    )


@login_required
def return_detail(request: HttpRequest, pk: int) -> HttpResponse:
    ret = _return_for(request, pk)
    figures, frozen = svc.figures_for_display(ret)
    history = events_for(ret).order_by("at", "pk")
    return render(
        request,
        "funds/returns/detail.html",
        {
            "ret": ret,
            "title": _title(ret),
            "period": svc.quarter_period(ret.agreement.financial_year, ret.quarter),
            "headings": [label for _, label in svc.FIGURE_HEADINGS],
            "rows": svc.figure_rows(figures),
            "frozen": frozen,
            "computed_at": svc.computed_at(figures) if frozen else None,
            "overdue": svc.is_overdue(ret),
            "quarter_ended": svc.quarter_has_ended(ret.agreement, ret.quarter),
            "history": history,
            "nav_section": "funds",
            **_actions(request.user, ret),
        },
    )


def _refused(request: HttpRequest, error: FundsError, ret: QuarterlyReturn) -> HttpResponse:
    messages.error(request, str(error))
    return redirect(DETAIL, pk=ret.pk)


@login_required
def return_edit(request: HttpRequest, pk: int) -> HttpResponse:
    ret = _return_for(request, pk)
    access.require_permission(permissions.can_edit_return(request.user, ret))
    if ret.status not in svc.EDITABLE_STATUSES:
        messages.error(
            request, f"The return is {ret.get_status_display().lower()}: it cannot be changed."
        )
        return redirect(DETAIL, pk=ret.pk)
    if request.method == "POST":
        form = ReturnForm(request.POST)
        if form.is_valid():
            try:
                svc.return_save_draft(
                    user=request.user,
                    ret=ret,
                    narrative=form.cleaned_data["narrative"],
                    outcomes=form.cleaned_data["outcomes"],
                )
            except FundsError as error:
                return _refused(request, error, ret)
            messages.success(request, "The return was saved.")
            return redirect(DETAIL, pk=ret.pk)
    else:
        form = ReturnForm(initial={"narrative": ret.narrative, "outcomes": ret.outcomes})
    return render(
        request,
        "funds/returns/edit.html",
        {"ret": ret, "title": _title(ret), "form": form, "nav_section": "funds"},
    )


# Each step: who may take it (else 403), the service, the confirmation page's words.
STEPS = {
    "sign_off": {
        "allowed": permissions.can_sign_off_return,
        "service": svc.return_sign_off,
        "heading": "Are you sure you want to sign off this return?",
        "body": "You confirm the narrative, outcomes and figures are right. The programme "
        "manager or a regional lead can then submit it to CIB.",
        "button": "Sign off the return",
        "done": "The return is signed off.",
    },
    "submit": {
        "allowed": permissions.can_submit_return,
        "service": svc.return_submit,
        "heading": "Are you sure you want to submit this return to CIB?",
        "body": "The figures are recomputed from the ledger and frozen as they are now. The "
        "return can no longer be changed unless CIB returns it with comments.",
        "button": "Submit the return",
        "done": "The return is submitted to CIB.",
    },
    "accept": {
        "allowed": permissions.can_review_return,
        "service": svc.return_accept,
        "heading": "Are you sure you want to accept this return?",
        "body": "The region is told the return is accepted. It can no longer be changed.",
        "button": "Accept the return",
        "done": "The return is accepted.",
    },
}


def _step(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    step = STEPS[name]
    ret = _return_for(request, pk)
    access.require_permission(step["allowed"](request.user, ret))
    if request.method == "POST":
        try:
            step["service"](user=request.user, ret=ret)
        except FundsError as error:
            return _refused(request, error, ret)
        messages.success(request, step["done"])
        return redirect(DETAIL, pk=ret.pk)
    return render(
        request,
        "funds/returns/confirm.html",
        {"ret": ret, "title": _title(ret), "step": step, "nav_section": "funds"},
    )


@login_required
def return_sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, "sign_off")


@login_required
def return_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, "submit")


@login_required
def return_accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _step(request, pk, "accept")


@login_required
def return_send_back(request: HttpRequest, pk: int) -> HttpResponse:
    ret = _return_for(request, pk)
    access.require_permission(permissions.can_review_return(request.user, ret))
    form = SendBackForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            svc.return_send_back(user=request.user, ret=ret, comments=form.cleaned_data["comments"])
        except FundsError as error:
            return _refused(request, error, ret)
        messages.success(request, f"The return is returned to {ret.agreement.region.name}.")
        return redirect(DETAIL, pk=ret.pk)
    return render(
        request,
        "funds/returns/send_back.html",
        {"ret": ret, "title": _title(ret), "form": form, "nav_section": "funds"},
    )


@login_required
@require_POST
def return_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from ..reports import report_request_funds_return

    ret = _return_for(request, pk)
    job = report_request_funds_return(user=request.user, ret=ret)
    return redirect("reports:job_detail", job_id=job.pk)
