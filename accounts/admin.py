"""User accounts and invitations: superusers only (both grant roles and superuser status)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group

from audit.services import audit_record
from cib_portal.admin import (
    SUPERUSERS_ONLY,
    AuditedMembershipsMixin,
    PortalModelAdmin,
    PortalTabularInline,
)
from regions.models import Membership

from .audit_actions import Action
from .models import Invitation, User

# Portal roles (memberships), not Django's groups and permissions, decide what people may do.
admin.site.unregister(Group)


class MembershipInline(PortalTabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    autocomplete_fields = ["organisation"]
    readonly_fields = ["created_at", "created_by"]
    view_roles = change_roles = SUPERUSERS_ONLY


# Who may do anything at all (is_active) and everything (is_superuser): audited when changed.
AUDITED_USER_FIELDS = ("is_active", "is_superuser")


@admin.register(User)
class UserAdmin(AuditedMembershipsMixin, PortalModelAdmin, BaseUserAdmin):
    view_roles = change_roles = SUPERUSERS_ONLY
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "last_login"]
    list_filter = ["is_active", "is_superuser"]
    search_fields = ["email", "full_name"]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Person", {"fields": ["full_name", "job_title"]}),
        ("Status", {"fields": ["is_active", "is_superuser", "last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
    readonly_fields = ["last_login", "date_joined"]
    filter_horizontal: list[str] = []

    def save_model(self, request, obj, form, change):
        stored = (
            User.objects.filter(pk=obj.pk).values(*AUDITED_USER_FIELDS).first() if obj.pk else None
        )
        super().save_model(request, obj, form, change)
        after = {name: getattr(obj, name) for name in AUDITED_USER_FIELDS}
        if stored is not None and stored != after:
            changed = ", ".join(
                f"{k} {stored[k]} to {after[k]}" for k in after if stored[k] != after[k]
            )
            audit_record(
                actor=request.user,
                action=Action.USER_PRIVILEGES,
                obj=obj,
                summary=f"In the admin: {obj.email}'s {changed}",
                before=stored,
                after=after,
            )


@admin.register(Invitation)
class InvitationAdmin(PortalModelAdmin):
    view_roles = change_roles = SUPERUSERS_ONLY
    # The token is the invitation's secret: whoever reads it can accept it.
    hidden_fields = ("token",)
    list_display = [
        "email",
        "organisation",
        "role",
        "invited_by",
        "created_at",
        "accepted_at",
        "revoked_at",
    ]
    list_filter = ["role"]
    search_fields = ["email", "organisation__name"]
    readonly_fields = ["token", "created_at", "accepted_at", "accepted_by"]
    list_select_related = ["organisation", "invited_by"]
