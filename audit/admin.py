"""The audit trail: read-only, and each event only for those who may read what it is about.

An event's summary and before/after values carry its subject's material (a booking's
cancellation reason, a challenge document's title, a local indicator's name), so an event is
listed only for people who may read its subject: in the admin's own ModelAdmin for that model
(its roles and its rows), or, for models the admin does not register, by the roles below.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import CharField, Q
from django.db.models.functions import Cast

from cib_portal.admin import (
    ADVISERS,
    BOOKING_READERS,
    NATIONAL_STAFF,
    PROGRAMME_MANAGER,
    PortalModelAdmin,
    holds_any,
)

from .models import AuditEvent

# Who reads events about models the admin does not register: "app.model", else "app".
# Anything not named here is for superusers only.
READERS_OUTSIDE_THE_ADMIN: dict[str, frozenset[str]] = {
    # can_view_national_funds
    "funds": NATIONAL_STAFF,
    # can_view_flags (national advisers); rules, interventions and DCS history are facts that
    # national staff edit (can_edit_risk_facts)
    "earlysupport.flag": ADVISERS,
    "earlysupport.flagevent": ADVISERS,
    "earlysupport": NATIONAL_STAFF,
    # a booking's material: its team, report
    "reviews.teamassignment": BOOKING_READERS,
    "reviews.reviewreport": BOOKING_READERS,
    # the pipeline's capacity: can_view_review_pipeline
    "reviews.capacitysetting": BOOKING_READERS,
    # the reviewer register and its conflicts: can_manage_reviewers
    "reviews": PROGRAMME_MANAGER,
    # a challenge's material (documents, actions, letters): can_view_challenge
    "peerchallenge": ADVISERS,
}


@admin.register(AuditEvent)
class AuditEventAdmin(PortalModelAdmin):
    """The audit trail is read-only, even for superusers."""

    view_roles = NATIONAL_STAFF
    read_only = True
    list_display = ["at", "actor", "action", "summary"]
    list_filter = ["action"]
    search_fields = ["summary", "object_id", "actor__email"]
    readonly_fields = [f.name for f in AuditEvent._meta.fields]
    list_select_related = ["actor"]

    def visible_rows(self, request) -> Q | None:
        if request.user.is_superuser:
            return None
        readable = Q(pk__in=[])
        registered = set()
        for model, model_admin in self.admin_site._registry.items():
            label = model._meta.label_lower
            registered.add(label)
            if model is AuditEvent or not model_admin.has_view_permission(request):
                continue
            subject = Q(object_type=label)
            rows = getattr(model_admin, "visible_rows", lambda request: None)(request)
            if rows is not None:
                ids = (
                    model._default_manager.filter(rows)
                    .annotate(audit_id=Cast("pk", CharField()))
                    .values("audit_id")
                )
                subject &= Q(object_id__in=ids)
            readable |= subject
        for key, roles in READERS_OUTSIDE_THE_ADMIN.items():
            if not holds_any(request.user, roles):
                continue
            if "." in key:
                readable |= Q(object_type=key)
            else:
                # The app's models the admin does not register and no finer key names.
                finer = [k for k in READERS_OUTSIDE_THE_ADMIN if k.startswith(f"{key}.")]
                readable |= Q(object_type__startswith=f"{key}.") & ~Q(
                    object_type__in=[*registered, *finer]
                )
        return readable
