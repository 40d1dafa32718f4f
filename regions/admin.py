"""Councils, regions and their published facts for national staff; what grants roles
(organisations, memberships) is changed by superusers only."""

from django.contrib import admin
from django.db import transaction

from audit.services import audit_record
from cib_portal.admin import (
    NATIONAL_STAFF,
    SUPERUSERS_ONLY,
    PortalModelAdmin,
    PortalTabularInline,
)

from .audit_actions import Action
from .models import (
    Council,
    Membership,
    OfstedInspection,
    Organisation,
    Region,
    StatisticalNeighbour,
)


class NeighbourInline(PortalTabularInline):
    model = StatisticalNeighbour
    fk_name = "council"
    extra = 0
    autocomplete_fields = ["neighbour"]
    ordering = ["rank"]
    view_roles = NATIONAL_STAFF


class InspectionInline(PortalTabularInline):
    model = OfstedInspection
    extra = 0
    ordering = ["-inspection_date"]
    view_roles = NATIONAL_STAFF


@admin.register(Region)
class RegionAdmin(PortalModelAdmin):
    # Published; a region's councils decide who sees their confidential material, so only a
    # superuser changes them.
    view_roles = NATIONAL_STAFF
    list_display = ["name", "gss_code"]
    search_fields = ["name", "gss_code"]


@admin.register(Council)
class CouncilAdmin(PortalModelAdmin):
    # Moving a council to another region changes who reads its material: superusers only.
    view_roles = NATIONAL_STAFF
    list_display = ["name", "gss_code", "la_number", "region", "type", "latest_inspection"]
    list_filter = ["region", "type", "latest_inspection__overall"]
    search_fields = ["name", "gss_code", "la_number"]
    list_select_related = ["region", "latest_inspection"]
    inlines = [NeighbourInline, InspectionInline]
    raw_id_fields = ["latest_inspection"]


@admin.register(OfstedInspection)
class OfstedInspectionAdmin(PortalModelAdmin):
    # Published judgements, facts national staff keep as they keep interventions.
    view_roles = change_roles = NATIONAL_STAFF
    list_display = ["council", "inspection_date", "publication_date", "inspection_type", "overall"]
    list_filter = ["overall", "inspection_type"]
    search_fields = ["council__name"]
    list_select_related = ["council"]
    date_hierarchy = "inspection_date"


@admin.register(Organisation)
class OrganisationAdmin(PortalModelAdmin):
    # An organisation's kind decides what its members' roles grant: superusers only.
    view_roles = NATIONAL_STAFF
    change_roles = SUPERUSERS_ONLY
    list_display = ["name", "kind", "code"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]
    readonly_fields = ["council", "region"]


def membership_facts(membership: Membership) -> dict:
    """What the audit trail keeps of a membership."""
    return {
        "user": membership.user.email,
        "organisation": membership.organisation.code or membership.organisation.name,
        "role": membership.role,
        "starts_on": str(membership.starts_on) if membership.starts_on else None,
        "ends_on": str(membership.ends_on) if membership.ends_on else None,
    }


def audit_membership_admin(
    request, membership: Membership, *, before: dict | None, after: dict | None
) -> None:
    """Record a membership added (no `before`), changed or deleted (no `after`) in the admin,
    as the portal's own services record theirs: a role is what grants access."""
    if before == after:
        return
    facts = after or before
    role = Membership(role=facts["role"]).get_role_display()
    where = membership.organisation.name
    if before is None:
        action, summary = Action.MEMBERSHIP_CREATE, f"{facts['user']} became {role} of {where}"
    elif after is None:
        action = Action.MEMBERSHIP_DELETE
        summary = f"{facts['user']} is no longer {role} of {where}"
    else:
        action, summary = Action.MEMBERSHIP_CHANGE, f"{facts['user']}'s {role} of {where} changed"
    audit_record(
        actor=request.user,
        action=action,
        obj=membership,
        summary=f"In the admin: {summary}",
        before=before,
        after=after,
    )


class AuditedMembershipsMixin:
    """Memberships saved or deleted in the admin are audited (the page and the inline)."""

    def save_model(self, request, obj, form, change):
        if isinstance(obj, Membership):
            before = _stored_facts(obj)
            if obj.pk is None and obj.created_by_id is None:
                obj.created_by = request.user
            super().save_model(request, obj, form, change)
            audit_membership_admin(request, obj, before=before, after=membership_facts(obj))
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
            f.instance.pk: _stored_facts(f.instance) for f in formset.initial_forms if f.instance.pk
        }
        instances = formset.save(commit=False)
        self._delete_audited(request, formset.deleted_objects)
        for membership in instances:
            if membership.pk is None and membership.created_by_id is None:
                membership.created_by = request.user
            before = befores.get(membership.pk)
            membership.save()
            audit_membership_admin(
                request, membership, before=before, after=membership_facts(membership)
            )
        formset.save_m2m()

    @transaction.atomic
    def _delete_audited(self, request, memberships) -> None:
        for membership in memberships:
            before = membership_facts(membership)
            pk = membership.pk
            membership.delete()
            membership.pk = pk  # the trail names the row that was deleted
            audit_membership_admin(request, membership, before=before, after=None)


def _stored_facts(membership: Membership) -> dict | None:
    if membership.pk is None:
        return None
    stored = Membership.objects.select_related("user", "organisation").filter(pk=membership.pk)
    found = stored.first()
    return membership_facts(found) if found else None


@admin.register(Membership)
class MembershipAdmin(AuditedMembershipsMixin, PortalModelAdmin):
    view_roles = change_roles = SUPERUSERS_ONLY
    list_display = ["user", "organisation", "role", "starts_on", "ends_on"]
    list_filter = ["role", "organisation__kind"]
    search_fields = ["user__email", "user__full_name", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]
    list_select_related = ["user", "organisation"]
    readonly_fields = ["created_at", "created_by"]
