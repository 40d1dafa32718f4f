"""Invitations, the API token a person may create for themselves, and allauth's email
addresses page with the errors it leaves out."""

from allauth.account.views import EmailView
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from cib_portal import access
from regions.models import Role

from . import permissions, services
from .forms import InvitationAcceptForm, InvitationForm
from .models import ApiToken, Invitation


@login_required
def invitation_list(request: HttpRequest) -> HttpResponse:
    organisations = permissions.organisations_user_may_invite_to(request.user)
    access.require(organisations.exists())
    invitations = (
        Invitation.objects.filter(organisation__in=organisations)
        .select_related("organisation", "invited_by", "accepted_by")
        .order_by("-created_at")[:200]
    )
    return render(request, "accounts/invitation_list.html", {"invitations": invitations})


@login_required
def invitation_create(request: HttpRequest) -> HttpResponse:
    organisations = permissions.organisations_user_may_invite_to(request.user).order_by(
        "kind", "name"
    )
    access.require(organisations.exists())
    form = InvitationForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_create(
                invited_by=request.user,
                organisation=form.cleaned_data["organisation"],
                role=form.cleaned_data["role"],
                email=form.cleaned_data["email"],
                base_url=request.build_absolute_uri("/")[:-1],
            )
        except services.InvitationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                f"Invitation sent to {invitation.email} to join {invitation.organisation.name} "
                f"as {Role(invitation.role).label}.",
            )
            return redirect("accounts:invitation_list")
    return render(request, "accounts/invitation_form.html", {"form": form})


@login_required
def invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    organisations = permissions.organisations_user_may_invite_to(request.user)
    invitation = get_object_or_404(
        Invitation.objects.select_related("organisation"), pk=pk, organisation__in=organisations
    )
    if request.method == "POST":
        try:
            services.invitation_revoke(invitation=invitation, revoked_by=request.user)
        except services.InvitationError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"The invitation of {invitation.email} was withdrawn.")
        return redirect("accounts:invitation_list")
    return render(request, "accounts/invitation_revoke.html", {"invitation": invitation})


def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.invitation_for_token(token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    if request.user.is_authenticated:
        if request.method == "POST":
            try:
                services.invitation_accept(
                    invitation=invitation, full_name="", password=None, user=request.user
                )
            except services.InvitationError as exc:
                messages.error(request, str(exc))
                return redirect("home")
            messages.success(request, f"You have joined {invitation.organisation.name}.")
            return redirect("home")
        return render(
            request, "accounts/invitation_accept_signed_in.html", {"invitation": invitation}
        )
    form = InvitationAcceptForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(
                invitation=invitation,
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
            )
        except services.InvitationError as exc:
            form.add_error(None, str(exc))
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                f"Welcome to the CIB portal. You have joined {invitation.organisation.name}.",
            )
            return redirect("home")
    return render(
        request, "accounts/invitation_accept.html", {"form": form, "invitation": invitation}
    )


@login_required
def api_token(request: HttpRequest) -> HttpResponse:
    access.require(access.is_member(request.user))
    token = ApiToken.objects.filter(user=request.user).first()
    return render(request, "accounts/api_token.html", _token_context(token))


@login_required
@require_POST
def api_token_create(request: HttpRequest) -> HttpResponse:
    access.require(access.is_member(request.user))
    token, key = services.api_token_create(user=request.user)
    messages.success(
        request,
        "Your new API token is shown below. Copy it now: anyone with it can use the API as you.",
    )
    return render(request, "accounts/api_token.html", _token_context(token, new_key=key))


@login_required
@require_POST
def api_token_delete(request: HttpRequest) -> HttpResponse:
    if not services.api_token_delete(user=request.user):
        raise Http404
    messages.success(request, "Your API token was deleted. Programs using it will stop working.")
    return redirect("accounts:api_token")


def _token_context(token: ApiToken | None, new_key: str = "") -> dict:
    return {
        "token": token,
        "new_key": new_key,
        "lifetime_days": settings.API_TOKEN_LIFETIME_DAYS,
    }


class PortalEmailView(EmailView):
    """allauth's email addresses page, saying so when an action is pressed with no address of
    the person's selected (allauth itself redirects back silently, as if it had worked)."""

    NOTHING_SELECTED = {
        "action_primary": "Select the email address to make primary",
        "action_send": "Select the email address to send the verification email to",
        "action_remove": "Select the email address to remove",
    }

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        action = next((a for a in self.NOTHING_SELECTED if a in request.POST), None)
        if action and "action_add" not in request.POST:
            selected = request.POST.get("email") and self._get_email_address(request)
            if not selected:
                # The add-an-address form below was not what was pressed: shown empty.
                unbound = self.get_form_class()(user=request.user, prefix=self.get_prefix())
                context = self.get_context_data(
                    form=unbound, email_error=self.NOTHING_SELECTED[action]
                )
                for radio in context["emailaddress_radios"]:
                    radio["checked"] = False
                return self.render_to_response(context)
        return super().post(request, *args, **kwargs)


email = PortalEmailView.as_view()
