"""Declared conflicts of interest: the list a user may see and declaring one for a council
they act for. Two councils with a declared conflict are never paired."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from cib_portal import access
from peerchallenge import permissions, services
from peerchallenge.forms import programmes as f
from peerchallenge.services import ProgrammeError

PAGE_SIZE = 25


@login_required
def conflict_list(request: HttpRequest) -> HttpResponse:
    access.require(access.is_member(request.user))
    page_obj = Paginator(permissions.conflicts_visible(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "peerchallenge/programme/conflicts.html",
        {
            "page_obj": page_obj,
            "may_declare": permissions.councils_user_may_declare_for(request.user).exists(),
        },
    )


@login_required
def conflict_declare(request: HttpRequest) -> HttpResponse:
    councils = permissions.councils_user_may_declare_for(request.user)
    access.require(councils.exists())
    form = f.ConflictForm(request.POST if request.method == "POST" else None, councils=councils)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.conflict_declare(
                user=request.user,
                council=data["council"],
                other=data["other"],
                reason=data["reason"],
            )
        except ProgrammeError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                f"Conflict declared: {data['council']} and {data['other']} will not be paired.",
            )
            return redirect("peerchallenge:conflict_list")
    return render(request, "peerchallenge/programme/conflict_form.html", {"form": form})
