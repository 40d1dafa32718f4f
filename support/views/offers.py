"""The offer pages: the catalogue (filtered by who it is for, kind and open now), one offer
(what, who for, cost, dates, places left, how to ask) and the form to ask for it.

Access: the catalogue and the offers are open to every member; asking is for the council's
own people and the advisers covering it (a 403 with the reason for anyone else)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from cib_portal import access
from regions.models import Council

from .. import permissions
from ..filters import OfferFilter
from ..forms.requests import RequestForm
from ..models.offers import SupportOffer
from ..selectors import offers as offer_selectors
from ..selectors import requests as request_selectors
from ..services import requests as request_services
from ..services.common import SupportError
from ..services.offers import offer_window_refusal

PAGE_SIZE = 20


def _page(request: HttpRequest, template: str, **context) -> HttpResponse:
    return render(request, f"support/{template}", {"nav_section": "support", **context})


def _offer(code: str) -> SupportOffer:
    offer = offer_selectors.offer_by_code(code)
    if offer is None:
        raise Http404
    return offer


@login_required
def catalogue(request: HttpRequest) -> HttpResponse:
    access.require(permissions.can_view_catalogue(request.user))
    filters = OfferFilter(request.GET or None, queryset=offer_selectors.catalogue(request.user))
    offers = filters.queryset
    filtered = False
    if filters.is_bound and filters.is_valid():
        offers = filters.qs
        filtered = any(v not in (None, "") for v in filters.form.cleaned_data.values())
    page_obj = Paginator(offers, PAGE_SIZE).get_page(request.GET.get("page"))
    return _page(
        request,
        "offers/catalogue.html",
        filters=filters.form,
        filtered=filtered,
        page_obj=page_obj,
        may_see_waiting=permissions.can_view_waiting(request.user),
    )


@login_required
def offer_detail(request: HttpRequest, code: str) -> HttpResponse:
    access.require(permissions.can_view_catalogue(request.user))
    offer = _offer(code)
    councils = request_selectors.councils_to_ask_for(request.user)
    return _page(
        request,
        "offers/detail.html",
        offer=offer,
        cohorts=list(offer.cohorts.order_by("starts")),
        places_left=max((offer.places or 0) - offer.places_taken, 0),
        window_refusal=offer_window_refusal(offer),
        may_ask=bool(councils) and offer.requestable and not offer.booking_url,
    )


@login_required
def request_create(request: HttpRequest, code: str) -> HttpResponse:
    access.require(permissions.can_view_catalogue(request.user))
    offer = _offer(code)
    councils = request_selectors.councils_to_ask_for(request.user)
    access.require_permission(access.allow_if(bool(councils), permissions.NOT_A_REQUESTER))
    if not offer.requestable or offer.booking_url:
        return redirect("support:offer_detail", code=offer.code)
    data = request.POST if request.method == "POST" else None
    form = RequestForm(data, councils=councils, offer=offer)
    if request.method == "POST" and form.is_valid():
        council = Council.objects.get(pk=form.cleaned_data["council"])
        try:
            created = request_services.request_support(
                user=request.user,
                council=council,
                offer=offer,
                cohort=form.cleaned_data.get("cohort"),
                need=form.cleaned_data["need"],
                why=form.cleaned_data["why"],
            )
        except SupportError as exc:
            form.add_error(None, exc.reason)
        else:
            if created.status == "waiting":
                messages.success(request, "The cohort is full: the request is on the waiting list.")
            else:
                messages.success(request, "Your request has been sent to the decider.")
            return redirect("support:request_detail", pk=created.pk)
    return _page(
        request,
        "requests/form.html",
        offer=offer,
        form=form,
        window_refusal=offer_window_refusal(offer),
    )
