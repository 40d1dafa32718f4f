"""Local indicators: a council's own measures, added and kept by its staff.

Confidential to the council (its staff, its region's leads and advisers) unless shared; anyone
else gets 404. Someone who may see an indicator but not change it (a regional lead, say) gets
403 on the change pages.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from cib_portal import access

from .. import permissions, selectors, services
from ..forms.local import LocalIndicatorForm, LocalValueForm, LocalValuesUploadForm
from ..models import Indicator, Source


def _viewable(request: HttpRequest, pk: int) -> Indicator:
    indicator = get_object_or_404(
        Indicator.objects.select_related("council"), pk=pk, source=Source.LOCAL
    )
    access.require(permissions.can_view_local_indicator(request.user, indicator))
    return indicator


def _editable(request: HttpRequest, pk: int) -> Indicator:
    indicator = _viewable(request, pk)
    access.require_permission(permissions.can_edit_local_indicator(request.user, indicator.council))
    return indicator


@login_required
def local_list(request: HttpRequest) -> HttpResponse:
    access.require(access.is_member(request.user))
    own = list(selectors.local_indicator_councils(user=request.user))
    groups = [
        {
            "council": council,
            "rows": selectors.local_profile_rows(user=request.user, council=council),
        }
        for council in own
    ]
    others = selectors.other_local_indicators(user=request.user, own=own)
    return render(
        request,
        "datasets/local/list.html",
        {"groups": groups, "others": others, "can_add": bool(own)},
    )


@login_required
def local_create(request: HttpRequest) -> HttpResponse:
    councils = selectors.local_indicator_councils(user=request.user)
    access.require(councils.exists())
    form = LocalIndicatorForm(request.POST or None, councils=councils)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        indicator = services.local_indicator_create(
            actor=request.user,
            council=data["council"],
            name=data["name"],
            unit=data["unit"],
            polarity=data["polarity"],
            definition=data["definition"],
        )
        messages.success(request, f"Local indicator ‘{indicator.name}’ added. Add its values.")
        return redirect("datasets:local:detail", pk=indicator.pk)
    return render(request, "datasets/local/form.html", {"form": form, "indicator": None})


@login_required
def local_detail(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = _viewable(request, pk)
    return render(
        request,
        "datasets/local/detail.html",
        {
            "indicator": indicator,
            "values": selectors.local_indicator_values(indicator),
            "can_edit": bool(permissions.can_edit_local_indicator(request.user, indicator.council)),
        },
    )


@login_required
def local_edit(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = _editable(request, pk)
    initial = {f: getattr(indicator, f) for f in services.LOCAL_FIELDS}
    form = LocalIndicatorForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.local_indicator_update(
            actor=request.user, indicator=indicator, changes=form.cleaned_data
        )
        messages.success(request, "Local indicator changed.")
        return redirect("datasets:local:detail", pk=indicator.pk)
    return render(request, "datasets/local/form.html", {"form": form, "indicator": indicator})


@login_required
def local_value_add(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = _editable(request, pk)
    form = LocalValueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.local_value_set(
                actor=request.user,
                indicator=indicator,
                period=form.cleaned_data["period"],
                value=form.cleaned_data["value"],
            )
        except services.LocalIndicatorError as exc:
            message = exc.errors[0]
            form.add_error("period" if "period" in message.lower() else "value", message)
        else:
            messages.success(request, "Value saved.")
            return redirect("datasets:local:detail", pk=indicator.pk)
    return render(request, "datasets/local/value_form.html", {"form": form, "indicator": indicator})


@login_required
def local_values_upload(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = _editable(request, pk)
    form = LocalValuesUploadForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            counts = services.local_values_upload(
                actor=request.user, indicator=indicator, data=form.cleaned_data["file"].read()
            )
        except services.LocalIndicatorError as exc:
            problems = exc.errors
            form.add_error(
                "file",
                f"The file was not saved: {len(problems)} problem"
                f"{'s' if len(problems) != 1 else ''} (listed below). Correct it and upload it "
                "again",
            )
        else:
            messages.success(
                request,
                f"Values saved: {counts['created']} added, {counts['updated']} changed, "
                f"{counts['unchanged']} unchanged.",
            )
            return redirect("datasets:local:detail", pk=indicator.pk)
    return render(
        request,
        "datasets/local/values_upload.html",
        {"form": form, "indicator": indicator, "problems": problems},
    )


@login_required
@require_POST
def local_share(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = _editable(request, pk)
    shared = request.POST.get("shared") == "1"
    services.local_indicator_share(actor=request.user, indicator=indicator, shared=shared)
    messages.success(
        request,
        "The indicator is now shared with every member of the portal."
        if shared
        else f"The indicator is now confidential to {indicator.council.name}.",
    )
    return redirect("datasets:local:detail", pk=indicator.pk)


@login_required
def local_delete(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = _editable(request, pk)
    if request.method == "POST":
        name = indicator.name
        services.local_indicator_delete(actor=request.user, indicator=indicator)
        messages.success(request, f"Local indicator ‘{name}’ deleted.")
        return redirect("datasets:local:list")
    return render(
        request,
        "datasets/local/delete.html",
        {"indicator": indicator, "count": indicator.observations.count()},
    )
