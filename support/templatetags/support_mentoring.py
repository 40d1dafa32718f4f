"""`{% request_links req %}` on a support request's page: the risk flags it answers (for those
who may see the council's flags) and, for a mentoring request, its mentor and the link to the
proposals."""

from __future__ import annotations

from typing import Any

from django import template

from earlysupport.selectors.flags import flags_answered_by

from ..selectors import mentoring as selectors

register = template.Library()


@register.inclusion_tag("support/mentoring/_request_links.html", takes_context=True)
def request_links(context: dict[str, Any], req: Any) -> dict[str, Any]:
    user = context["request"].user
    mentoring = selectors.is_mentoring_request(req)
    return {
        "req": req,
        "flags": flags_answered_by(user=user, support_request=req),
        "mentoring": mentoring,
        "confirmed": selectors.confirmed_assignment(req) if mentoring else None,
    }
