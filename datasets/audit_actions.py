"""The data set's audit action names, in the one style `<thing>.<what_happened>`."""

from __future__ import annotations

from enum import StrEnum


class Action(StrEnum):
    INDICATOR_UPDATE = "indicator.update"
    LOCAL_INDICATOR_CREATE = "local_indicator.create"
    LOCAL_INDICATOR_UPDATE = "local_indicator.update"
    LOCAL_INDICATOR_SHARE = "local_indicator.share"
    LOCAL_INDICATOR_UNSHARE = "local_indicator.unshare"
    LOCAL_INDICATOR_DELETE = "local_indicator.delete"
    LOCAL_INDICATOR_VALUES = "local_indicator.values"
