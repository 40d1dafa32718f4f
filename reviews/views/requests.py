"""The booking request: one question a page, then check your answers."""

from __future__ import annotations

from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from cib_portal import access

from .. import permissions
from ..forms import bookings as f
from ..models import ENTITLEMENT_YEARS, Booking, ChargingBasis, Product
from ..selectors import bookings_near
from ..selectors.entitlement import entitlement_for, entitlement_today
from ..services import lifecycle
from ..services.bookings import (
    BookingError,
    FreeReviewTaken,
    booking_request,
    charged_price_sentence,
    money,
)
from .bookings import _visible

SESSION_KEY = "reviews_booking_request"
PAGE_SIZE = 25

# The question pages, in order: (slug, form, page title: the page's h1).
STEPS = [
    ("council", f.CouncilStepForm, f.CouncilStepForm.page_heading),
    ("product", f.ProductStepForm, f.ProductStepForm.page_heading),
    ("date", f.DateStepForm, f.DateStepForm.page_heading),
    ("scope", f.ScopeStepForm, "What should the review look at?"),
    ("contact", f.ContactStepForm, f.ContactStepForm.page_heading),
]
STEP_SLUGS = [slug for slug, _form, _title in STEPS]


# --- The request: one question a page -------------------------------------------------------


def _answers(request: HttpRequest) -> dict[str, Any]:
    return request.session.get(SESSION_KEY, {})


def _save_answers(request: HttpRequest, answers: dict[str, Any]) -> None:
    request.session[SESSION_KEY] = answers


def _steps_for(councils) -> list[str]:
    """A user with one council is not asked which."""
    return STEP_SLUGS if len(councils) > 1 else STEP_SLUGS[1:]


def _first_missing(answers: dict[str, Any], steps: list[str]) -> str | None:
    needed = {
        "council": ["council"],
        "product": ["product"],
        "date": ["first_on_site_day"],
        "scope": ["scope"],
        "contact": ["contact_name", "contact_email"],
    }
    for slug in steps:
        if any(not answers.get(key) for key in needed[slug]):
            return slug
    return None


def _resolved(request: HttpRequest, answers: dict[str, Any]) -> dict[str, Any] | None:
    """The stored answers as objects, or None when they no longer make sense."""
    councils = permissions.councils_user_may_book_for(request.user)
    council = councils.filter(pk=answers.get("council")).first()
    product = Product.objects.filter(pk=answers.get("product"), is_active=True).first()
    try:
        day = date.fromisoformat(answers.get("first_on_site_day", ""))
    except ValueError:
        return None
    if council is None or product is None:
        return None
    return {"council": council, "product": product, "first_on_site_day": day}


def _link_if_visible(user: Any, booking: Booking | None) -> Booking | None:
    return booking if booking and permissions.can_view_booking(user, booking) else None


def _cost_today(user: Any, councils) -> list[dict[str, Any]]:
    """For each council, and each product with the free entitlement: whether a free one could
    start as soon as it could be booked, and if not when, and what it costs until then. The
    first question page says so before anything is asked."""
    today = timezone.localdate()
    products = Product.objects.filter(is_active=True).exclude(entitlement_family="")
    costs = []
    for council in councils:
        for product in products:
            now = entitlement_today(council=council, product=product, today=today)
            later = _link_if_visible(user, now.later_free)
            costs.append(
                {
                    "council": council,
                    "product": product,
                    "today": now,
                    "blocking": _link_if_visible(user, now.blocking),
                    "later_free": later,
                    "free_by": later.first_on_site_day - relativedelta(years=ENTITLEMENT_YEARS)
                    if later
                    else None,
                    "price_sentence": charged_price_sentence(
                        product, opening="Booked to start before then, it would"
                    ),
                }
            )
    return costs


@login_required
def request_start(request: HttpRequest) -> HttpResponse:
    """Start a new request: forget earlier answers."""
    councils = list(permissions.councils_user_may_book_for(request.user))
    access.require(bool(councils))
    answers: dict[str, Any] = {}
    if len(councils) == 1:
        answers["council"] = councils[0].pk
    _save_answers(request, answers)
    return redirect("reviews:request_step", step=_steps_for(councils)[0])


@login_required
def request_step(request: HttpRequest, step: str) -> HttpResponse:
    councils = list(permissions.councils_user_may_book_for(request.user))
    access.require(bool(councils))
    steps = _steps_for(councils)
    access.require(step in steps)
    answers = _answers(request)
    slug_index = steps.index(step)
    missing = _first_missing(answers, steps[:slug_index])
    if missing:
        return redirect("reviews:request_step", step=missing)
    form_class, title = next((form, t) for s, form, t in STEPS if s == step)
    kwargs: dict[str, Any] = {}
    if step == "council":
        kwargs["councils"] = permissions.councils_user_may_book_for(request.user)
    initial = {
        key: answers[key] for key in form_class.base_fields if answers.get(key) not in (None, "")
    }
    prefilled = step == "contact" and not (
        answers.get("contact_name") or answers.get("contact_email")
    )
    if prefilled:
        # The person booking is the likeliest contact: start with their details to change.
        initial.update(contact_name=request.user.full_name, contact_email=request.user.email)
    form = form_class(request.POST if request.method == "POST" else None, initial=initial, **kwargs)
    if request.method == "POST" and form.is_valid():
        for key, value in form.cleaned_data.items():
            if hasattr(value, "pk"):
                value = value.pk
            elif isinstance(value, date):
                value = value.isoformat()
            answers[key] = value
        _save_answers(request, answers)
        if request.GET.get("change") or slug_index == len(steps) - 1:
            return redirect("reviews:request_check")
        return redirect("reviews:request_step", step=steps[slug_index + 1])
    back = (
        reverse("reviews:request_step", kwargs={"step": steps[slug_index - 1]})
        if slug_index
        else reverse("reviews:booking_list")
    )
    costs = []
    if step == "council":
        costs = _cost_today(request.user, councils)
    elif step == "product":
        costs = _cost_today(request.user, [c for c in councils if c.pk == answers.get("council")])
    return render(
        request,
        "reviews/bookings/step.html",
        {
            "form": form,
            "title": title,
            "step": step,
            "back": back,
            "costs": costs,
            "prefilled": prefilled,
        },
    )


def _scope_with_month(answers: dict[str, Any], day: date) -> str:
    """A council that gave only a month says so in the scope, for the LGA to agree the day."""
    scope = answers.get("scope", "")
    if answers.get("preferred_month"):
        scope += f"\n\nPreferred month: {day:%B %Y} (exact first on-site day to be agreed)."
    return scope


def _entitlement_words(user: Any, council, product: Product, day: date) -> dict[str, Any]:
    """What the check page says about cost, from the entitlement, and the council's bookings
    near the day asked for."""
    verdict = entitlement_for(council=council, product=product, start=day)
    free = verdict.entitled and ChargingBasis.FREE in product.charging_options
    prices = {
        ChargingBasis.SUBSIDISED: money(product.subsidised_price_pence),
        ChargingBasis.WHOLE_COST: money(product.whole_cost_price_pence),
    }
    return {
        "verdict": verdict,
        "free": free,
        "prices": prices,
        "price_sentence": charged_price_sentence(product),
        "blocking": _link_if_visible(user, verdict.blocking),
        "near": list(bookings_near(user=user, council=council, day=day)),
    }


@login_required
def request_check(request: HttpRequest) -> HttpResponse:
    councils = list(permissions.councils_user_may_book_for(request.user))
    access.require(bool(councils))
    steps = _steps_for(councils)
    answers = _answers(request)
    missing = _first_missing(answers, steps) if answers else steps[0]
    if missing:
        return redirect("reviews:request_step", step=missing)
    resolved = _resolved(request, answers)
    if resolved is None:
        return redirect("reviews:request_start")
    words = _entitlement_words(
        request.user, resolved["council"], resolved["product"], resolved["first_on_site_day"]
    )
    # Confirming a page that said "free" asks for the free review whatever has happened since:
    # if it has gone, the service says so and nothing is booked until a charged basis is chosen.
    confirmed_free = request.method == "POST" and request.POST.get("shown") == "free"
    form = f.ConfirmForm(
        request.POST if request.method == "POST" else None,
        choose=not (words["free"] or confirmed_free),
        prices=words["prices"],
    )
    if request.method == "POST" and form.is_valid():
        try:
            booking = booking_request(
                council=resolved["council"],
                product=resolved["product"],
                first_on_site_day=resolved["first_on_site_day"],
                requested_by=request.user,
                charging_basis=form.cleaned_data.get("charging_basis"),
                scope=_scope_with_month(answers, resolved["first_on_site_day"]),
                key_lines_of_enquiry=answers.get("key_lines_of_enquiry", ""),
                contact_name=answers.get("contact_name", ""),
                contact_email=answers.get("contact_email", ""),
            )
        except FreeReviewTaken as exc:
            words = _entitlement_words(
                request.user,
                resolved["council"],
                resolved["product"],
                resolved["first_on_site_day"],
            )
            form = f.ConfirmForm.charged_after(str(exc), prices=words["prices"])
            words["free"] = False
        except BookingError as exc:
            form.add_error(None, str(exc))
        else:
            lifecycle.booking_requested_notify(booking=booking)
            request.session.pop(SESSION_KEY, None)
            return redirect("reviews:booking_confirmation", pk=booking.pk)
    return render(
        request,
        "reviews/bookings/check.html",
        {
            "form": form,
            "answers": answers,
            "steps": steps,
            **resolved,
            **words,
        },
    )


@login_required
def booking_confirmation(request: HttpRequest, pk: int) -> HttpResponse:
    booking = _visible(request, pk)
    return render(request, "reviews/bookings/confirmation.html", {"booking": booking})


# --- List and detail ------------------------------------------------------------------------
