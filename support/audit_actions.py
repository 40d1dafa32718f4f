"""The support app's audit action names, in the one style `<thing>.<what_happened>`."""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    # Offers and requests (support/services/offers.py, support/services/requests.py)
    OFFER_SAVE = "support_offer.save"
    COHORT_SAVE = "support_cohort.save"
    REQUEST_CREATE = "support_request.create"
    REQUEST_ACCEPT = "support_request.accept"
    REQUEST_DECLINE = "support_request.decline"
    REQUEST_WAITLIST = "support_request.waitlist"
    REQUEST_BROKER = "support_request.broker"
    REQUEST_START_DELIVERY = "support_request.start_delivery"
    REQUEST_DELIVER = "support_request.deliver"
    REQUEST_CLOSE = "support_request.close"
    REQUEST_CANCEL = "support_request.cancel"
    REQUEST_PROMOTE = "support_request.promote"

    # Campaigns (support/services/campaigns.py)
    CAMPAIGN_SAVE = "campaign.save"
    CAMPAIGN_APPLY = "campaign.apply"
    CAMPAIGN_SELECT = "campaign.select"
    CAMPAIGN_NOT_SELECT = "campaign.not_select"
    CAMPAIGN_RESERVE = "campaign.reserve"
    CAMPAIGN_PUBLISH = "campaign.publish_selection"

    # Mentoring and asks and offers between councils (support/services/mentoring.py)
    MENTOR_SAVE = "mentor.save"
    MENTOR_CONFIRM = "mentor_assignment.confirm"
    MENTOR_DECLINE = "mentor_assignment.decline"
    MENTOR_END = "mentor_assignment.end"
    ASK_POST = "council_ask.post"
    ASK_CLOSE = "council_ask.close"
    MATCH_BROKER = "council_match.broker"
