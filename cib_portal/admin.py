"""The Django admin, for national staff only, over the same data as the portal.

Who may do what here is decided from the access layer's grants, not from Django's permission
tables, and it is denied by default: every ModelAdmin and inline of the portal derives from
`PortalModelAdmin` / `PortalTabularInline` and declares the national roles that may read its
rows (`view_roles`) and change them (`change_roles`); a superuser may do both. Anything that
grants a role (user accounts, superuser status, memberships, invitations, organisations) is for
superusers only. A model's admin may also narrow its rows per person (`visible_rows`, e.g. a
private comparison group is its owner's alone), keep fields from people whose roles may not
read them (`confidential_fields`) and never show some at all (`hidden_fields`, e.g. tokens).
A model the user may not read answers 404, as the portal does; one they may read but not
change answers 403.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.contrib import admin
from django.db import transaction
from django.db.models import Q
from django.http import Http404

from cib_portal import access
from regions import services as region_services
from regions.models import ADVISER_ROLES, Membership, Role

# The role sets the admins declare. Only national staff (and superusers) reach the admin, so
# these are national roles; each mirrors the access-layer rule named beside it.
SUPERUSERS_ONLY: frozenset[str] = frozenset()
NATIONAL_STAFF = frozenset(access.NATIONAL_STAFF_ROLES)  # access.is_national_staff
ADVISERS = frozenset(ADVISER_ROLES)  # can_view_challenge, can_view_flags (national advisers)
PROGRAMME_MANAGER = frozenset({Role.PROGRAMME_MANAGER})  # can_manage_reviewers, the catalogue
BOOKING_READERS = PROGRAMME_MANAGER | ADVISERS  # bookings_visible_filter: every booking

# Fields that give power over the whole portal: only a superuser may ever change them.
PRIVILEGE_FIELDS = ("is_superuser", "is_staff", "groups", "user_permissions")


def holds_any(user: Any, roles: frozenset[str]) -> bool:
    """A superuser, or someone holding one of these roles on the national team today."""
    grants = access.grants_for(user)
    return grants.is_superuser or bool(grants.national_roles & roles)


class PortalAdminSite(admin.AdminSite):
    site_header = "CIB portal administration"
    site_title = "CIB portal admin"
    index_title = "National staff administration"

    def has_permission(self, request) -> bool:
        user = request.user
        return user.is_active and (user.is_superuser or access.is_national_staff(user))


class RoleAdminMixin:
    """Admin permissions from the roles a ModelAdmin or inline declares (see the module)."""

    view_roles: frozenset[str] = SUPERUSERS_ONLY
    change_roles: frozenset[str] = SUPERUSERS_ONLY
    # Nobody adds, changes or deletes here (rows change through the portal's services).
    read_only: bool = False
    # Never shown to anyone (secrets such as tokens).
    hidden_fields: Sequence[str] = ()
    # field -> the roles that may read it; others do not see the field at all.
    confidential_fields: Mapping[str, frozenset[str]] = {}

    # --- permissions ---------------------------------------------------------------------

    def has_view_permission(self, request, obj=None) -> bool:
        roles = self.view_roles | self.change_roles
        return holds_any(request.user, roles) and (obj is None or self.may_see(request, obj))

    def has_add_permission(self, request, obj=None) -> bool:
        return not self.read_only and holds_any(request.user, self.change_roles)

    def has_change_permission(self, request, obj=None) -> bool:
        if self.read_only or not holds_any(request.user, self.change_roles):
            return False
        return obj is None or self.may_change(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.has_change_permission(request, obj)

    def has_module_permission(self, request) -> bool:
        return self.has_view_permission(request)

    def may_see(self, request, obj) -> bool:
        """Whether this row is the user's to see (rows outside visible_rows are not)."""
        rows = self.visible_rows(request)
        if rows is None:
            return True
        return type(obj)._default_manager.filter(rows, pk=obj.pk).exists()

    def may_change(self, request, obj) -> bool:
        """Whether this row (which the user may see) is theirs to change."""
        return self.may_see(request, obj)

    def visible_rows(self, request) -> Q | None:
        """A Q narrowing the rows the user may see; None for all of them."""
        return None

    def get_queryset(self, request):
        rows = super().get_queryset(request)
        wanted = self.visible_rows(request)
        return rows if wanted is None else rows.filter(wanted)

    # --- fields --------------------------------------------------------------------------

    def unreadable_fields(self, request) -> frozenset[str]:
        """Fields this user may not see on this admin."""
        hidden = set(self.hidden_fields)
        for name, roles in self.confidential_fields.items():
            if not holds_any(request.user, roles):
                hidden.add(name)
        return frozenset(hidden)

    def get_exclude(self, request, obj=None):
        exclude = list(super().get_exclude(request, obj) or ())
        return exclude + sorted(self.unreadable_fields(request) - set(exclude))

    def get_readonly_fields(self, request, obj=None):
        unreadable = self.unreadable_fields(request)
        fields = [f for f in super().get_readonly_fields(request, obj) if f not in unreadable]
        if not request.user.is_superuser:
            names = {f.name for f in self.model._meta.get_fields()}
            fields += [f for f in PRIVILEGE_FIELDS if f in names and f not in fields]
        return fields

    def get_fields(self, request, obj=None):
        unreadable = self.unreadable_fields(request)
        return [f for f in super().get_fields(request, obj) if f not in unreadable]

    def get_fieldsets(self, request, obj=None):
        unreadable = self.unreadable_fields(request)
        fieldsets = []
        for name, options in super().get_fieldsets(request, obj):
            fields = [f for f in options.get("fields", ()) if f not in unreadable]
            if fields:
                fieldsets.append((name, {**options, "fields": fields}))
        return fieldsets


class PortalModelAdmin(RoleAdminMixin, admin.ModelAdmin):
    """A ModelAdmin of the portal: see the module for who may do what."""

    def get_list_display(self, request):
        unreadable = self.unreadable_fields(request)
        return [f for f in super().get_list_display(request) if f not in unreadable]

    def get_search_fields(self, request):
        unreadable = self.unreadable_fields(request)
        return [
            f
            for f in super().get_search_fields(request)
            if f.lstrip("^=@").split("__", 1)[0] not in unreadable
        ]

    # The admin answers 403 for a model the user may not read; the portal answers 404 for
    # whatever a person may not see, and so does the admin here.

    def _require_model(self, request) -> None:
        if not self.has_view_or_change_permission(request):
            raise Http404

    def changelist_view(self, request, extra_context=None):
        self._require_model(request)
        return super().changelist_view(request, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        self._require_model(request)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        self._require_model(request)
        return super().delete_view(request, object_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self._require_model(request)
        return super().history_view(request, object_id, extra_context)

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # A row outside the user's queryset does not exist for them.
        raise Http404


class PortalTabularInline(RoleAdminMixin, admin.TabularInline):
    """An inline of the portal: it declares its own roles, as a ModelAdmin does."""


def _admin_login(request, extra_context=None):
    """The admin signs people in through the portal's own sign-in (with MFA)."""
    from django.contrib.auth.views import redirect_to_login
    from django.urls import reverse

    if request.user.is_authenticated:
        # Signed in but not national staff: the admin does not exist for them.
        raise Http404
    next_url = request.GET.get("next") or reverse("admin:index")
    return redirect_to_login(next_url, reverse("account_login"))


PortalAdminSite.login = staticmethod(_admin_login)  # type: ignore[method-assign]


class AuditedMembershipsMixin:
    """Memberships saved or deleted in the admin are audited (the page and the inline), as the
    portal's own services record theirs: a role is what grants access. For the admins that
    show memberships (regions' and accounts')."""

    def save_model(self, request, obj, form, change):
        if isinstance(obj, Membership):
            before = region_services.membership_stored_facts(obj)
            if obj.pk is None and obj.created_by_id is None:
                obj.created_by = request.user
            super().save_model(request, obj, form, change)
            region_services.membership_admin_audit(
                actor=request.user,
                membership=obj,
                before=before,
                after=region_services.membership_facts(obj),
            )
            return
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        if isinstance(obj, Membership):
            self._delete_audited(request, [obj])
            return
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        if queryset.model is Membership:
            self._delete_audited(request, list(queryset.select_related("user", "organisation")))
            return
        super().delete_queryset(request, queryset)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        # The forms' instances already hold the posted values: read what was stored.
        befores = {
            f.instance.pk: region_services.membership_stored_facts(f.instance)
            for f in formset.initial_forms
            if f.instance.pk
        }
        instances = formset.save(commit=False)
        self._delete_audited(request, formset.deleted_objects)
        for membership in instances:
            if membership.pk is None and membership.created_by_id is None:
                membership.created_by = request.user
            before = befores.get(membership.pk)
            membership.save()
            region_services.membership_admin_audit(
                actor=request.user,
                membership=membership,
                before=before,
                after=region_services.membership_facts(membership),
            )
        formset.save_m2m()

    @transaction.atomic
    def _delete_audited(self, request, memberships) -> None:
        for membership in memberships:
            before = region_services.membership_facts(membership)
            pk = membership.pk
            membership.delete()
            membership.pk = pk  # the trail names the row that was deleted
            region_services.membership_admin_audit(
                actor=request.user, membership=membership, before=before, after=None
            )
