"""Saved comparison groups: a person's own, seen by nobody else."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from .. import selectors, services
from ..forms.comparisons import ComparisonGroupForm
from ._common import require_member

# --- Saved comparison groups ----------------------------------------------------------------------


@login_required
def group_list(request: HttpRequest) -> HttpResponse:
    require_member(request)
    return render(
        request,
        "datasets/group_list.html",
        {
            "groups": list(selectors.comparison_groups(user=request.user).order_by("name")),
            "nav_section": "data",
        },
    )


@login_required
def group_create(request: HttpRequest) -> HttpResponse:
    require_member(request)
    form = ComparisonGroupForm(request.POST or None, owner=request.user)
    if request.method == "POST" and form.is_valid():
        group = services.comparison_group_create(
            owner=request.user,
            name=form.cleaned_data["name"],
            councils=form.cleaned_data["councils"],
        )
        messages.success(request, f"Your group ‘{group.name}’ has been saved.")
        return redirect("datasets:group_list")
    return render(
        request, "datasets/group_form.html", {"form": form, "group": None, "nav_section": "data"}
    )


@login_required
def group_edit(request: HttpRequest, pk: int) -> HttpResponse:
    group = selectors.comparison_group_get(user=request.user, pk=pk)
    form = ComparisonGroupForm(request.POST or None, instance=group, owner=request.user)
    if request.method == "POST" and form.is_valid():
        services.comparison_group_update(
            group=group, name=form.cleaned_data["name"], councils=form.cleaned_data["councils"]
        )
        messages.success(request, f"Your group ‘{group.name}’ has been saved.")
        return redirect("datasets:group_list")
    return render(
        request, "datasets/group_form.html", {"form": form, "group": group, "nav_section": "data"}
    )


@login_required
def group_delete(request: HttpRequest, pk: int) -> HttpResponse:
    group = selectors.comparison_group_get(user=request.user, pk=pk)
    if request.method == "POST":
        name = group.name
        services.comparison_group_delete(group=group)
        messages.success(request, f"Your group ‘{name}’ has been deleted.")
        return redirect("datasets:group_list")
    return render(
        request,
        "datasets/group_delete.html",
        {"group": group, "members": list(group.councils.order_by("name")), "nav_section": "data"},
    )
