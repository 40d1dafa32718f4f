"""A request's page (its status, decision actions and history), the actions each behind a
confirmation page, a council's support page, and the advisers' list of requests waiting.

Access: a request is seen by whoever may see its council's requests (others get a 404); only
its decider decides, starts and marks delivery (a 403 with the reason for others who may see);
the decider or the council closes and cancels. The services keep the rules about state and
places (SupportError), shown in an error summary."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from audit.selectors import events_for
from cib_portal import access
from regions.models import Council

from .. import permissions
from ..forms import requests as f
from ..models.offers import RequestStatus, SupportRequest
from ..selectors import offers as offer_selectors
from ..selectors import requests as selectors
from ..services import requests as services
from ..services.common import SupportError

PAGE_SIZE = 25


def _page(request: HttpRequest, template: str, **context: Any) -> HttpResponse:
    return render(request, f"support/{template}", {"nav_section": "support", **context})


def _request_for(request: HttpRequest, pk: int) -> SupportRequest:
    found = selectors.request_for(request.user, pk)
    if found is None or not permissions.can_view_request(request.user, found):
        raise Http404
    return found


@dataclass(frozen=True)
class Step:
    title: str
    button: str
    rule: Callable[..., access.Decision]
    form: type[forms.Form]
    run: Callable[..., Any]
    statuses: tuple[str, ...]
    warning: bool = False
    done: str = ""


def _broker(user, req, data):
    return services.broker(user=user, request=req, offer=data["offer"], note=data["note"])


STEPS: dict[str, Step] = {
    "accept": Step(
        "Accept the request",
        "Accept",
        permissions.can_decide,
        f.ConfirmForm,
        lambda user, req, data: services.accept(user=user, request=req),
        (RequestStatus.REQUESTED, RequestStatus.WAITING),
        done="The request is accepted.",
    ),
    "decline": Step(
        "Decline the request",
        "Decline",
        permissions.can_decide,
        f.DeclineForm,
        lambda user, req, data: services.decline(user=user, request=req, reason=data["reason"]),
        (RequestStatus.REQUESTED, RequestStatus.WAITING),
        warning=True,
        done="The request is declined.",
    ),
    "waitlist": Step(
        "Put the request on the waiting list",
        "Put on the waiting list",
        permissions.can_decide,
        f.ConfirmForm,
        lambda user, req, data: services.waitlist(user=user, request=req),
        (RequestStatus.REQUESTED,),
        done="The request is on the waiting list.",
    ),
    "broker": Step(
        "Broker another offer",
        "Broker",
        permissions.can_decide,
        f.BrokerForm,
        _broker,
        (RequestStatus.REQUESTED, RequestStatus.WAITING),
        done="The council has been pointed to the other offer.",
    ),
    "start-delivery": Step(
        "Start delivery",
        "Start delivery",
        permissions.can_decide,
        f.ConfirmForm,
        lambda user, req, data: services.start_delivery(user=user, request=req),
        (RequestStatus.ACCEPTED,),
        done="Delivery has started.",
    ),
    "deliver": Step(
        "Mark as delivered",
        "Mark as delivered",
        permissions.can_decide,
        f.ConfirmForm,
        lambda user, req, data: services.deliver(user=user, request=req),
        (RequestStatus.IN_DELIVERY,),
        done="The support is marked delivered.",
    ),
    "close": Step(
        "Close the request",
        "Close",
        permissions.can_close,
        f.CloseForm,
        lambda user, req, data: services.close(
            user=user,
            request=req,
            outcome_note=data["outcome_note"],
            useful=data["useful"],
            what_changed=data["what_changed"],
        ),
        (RequestStatus.DELIVERED,),
        done="The request is closed.",
    ),
    "cancel": Step(
        "Cancel the request",
        "Cancel the request",
        permissions.can_cancel,
        f.ConfirmForm,
        lambda user, req, data: services.cancel(user=user, request=req),
        (
            RequestStatus.REQUESTED,
            RequestStatus.WAITING,
            RequestStatus.ACCEPTED,
            RequestStatus.IN_DELIVERY,
        ),
        warning=True,
        done="The request is cancelled.",
    ),
}


def _actions(user, req: SupportRequest) -> list[tuple[str, str]]:
    return [
        (name, step.title)
        for name, step in STEPS.items()
        if req.status in step.statuses
        and step.rule(user, req)
        and not (name == "waitlist" and not req.offer.waiting_list)
    ]


@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    req = _request_for(request, pk)
    return _page(
        request,
        "requests/detail.html",
        req=req,
        actions=_actions(request.user, req),
        position=selectors.waiting_position(req),
        history=list(events_for(req)),
        may_decide=permissions.can_decide(request.user, req),
    )


@login_required
def request_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    step = STEPS.get(action)
    if step is None:
        raise Http404
    req = _request_for(request, pk)
    access.require_permission(step.rule(request.user, req))
    kwargs: dict[str, Any] = {}
    if step.form is f.BrokerForm:
        kwargs["offers"] = offer_selectors.requestable_offers().exclude(pk=req.offer_id)
    form = step.form(request.POST if request.method == "POST" else None, **kwargs)
    if request.method == "POST" and form.is_valid():
        try:
            result = step.run(request.user, req, form.cleaned_data)
        except SupportError as exc:
            form.add_error(None, exc.reason)
        else:
            messages.success(request, step.done)
            target = result.pk if isinstance(result, SupportRequest) else req.pk
            return redirect("support:request_detail", pk=target)
    return _page(
        request,
        "requests/confirm.html",
        req=req,
        form=form,
        title=step.title,
        button=step.button,
        warning=step.warning,
        cancel_url=reverse("support:request_detail", kwargs={"pk": req.pk}),
    )


@login_required
def council_support(request: HttpRequest, gss_code: str) -> HttpResponse:
    council = get_object_or_404(Council.objects.select_related("region"), gss_code=gss_code)
    access.require(permissions.can_view_council_requests(request.user, council))
    page_obj = Paginator(selectors.council_requests(request.user, council.pk), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return _page(
        request,
        "requests/council.html",
        council=council,
        page_obj=page_obj,
        pairs=[(r, None) for r in page_obj.object_list],
        may_ask=permissions.can_request_for(request.user, council),
    )


@login_required
def waiting(request: HttpRequest) -> HttpResponse:
    access.require(permissions.can_view_waiting(request.user))
    page_obj = Paginator(selectors.waiting_by_age(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    now = timezone.now()
    rows = [(r, (now - r.created_at).days) for r in page_obj.object_list]
    return _page(request, "requests/waiting.html", page_obj=page_obj, rows=rows)
