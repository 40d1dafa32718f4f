"""Filtering the early support dashboard's councils table: the GET filters, in words for the
table's caption, and applied to the picture's rows (built in Python from a few aggregate
queries, so filtered in Python too)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from regions.models import Region

from .selectors.dashboards import CHALLENGE_CHOICES, JUDGEMENTS, LEVELS, PIPELINE_STAGES, CouncilRow

FILTER_KEYS = ("region", "level", "judgement", "intervention", "flags", "pipeline", "challenge")


@dataclass
class Filters:
    region: str = ""
    level: str = ""
    judgement: str = ""
    intervention: bool = False
    flags: bool = False
    pipeline: str = ""
    challenge: str = ""

    @classmethod
    def from_query(cls, params: Any, regions: list[Region]) -> Filters:
        """Read the GET filters, ignoring values that are not offered."""
        codes = {r.gss_code for r in regions}
        region = params.get("region", "")
        level = params.get("level", "")
        judgement = params.get("judgement", "")
        pipeline = params.get("pipeline", "")
        challenge = params.get("challenge", "")
        return cls(
            region=region if region in codes else "",
            level=level if level in dict(LEVELS) else "",
            judgement=judgement if judgement in dict(JUDGEMENTS) else "",
            intervention=params.get("intervention") == "1",
            flags=params.get("flags") == "1",
            pipeline=pipeline if pipeline in dict(PIPELINE_STAGES) else "",
            challenge=challenge if challenge in dict(CHALLENGE_CHOICES) else "",
        )

    @property
    def active(self) -> bool:
        return any(getattr(self, k) for k in FILTER_KEYS)

    def querystring(self) -> str:
        from urllib.parse import urlencode

        pairs = []
        for key in FILTER_KEYS:
            value = getattr(self, key)
            if value is True:
                pairs.append((key, "1"))
            elif value:
                pairs.append((key, value))
        return urlencode(pairs)

    def describe(self, regions: list[Region]) -> list[str]:
        """The filters in words, for the table's caption."""
        words = []
        if self.region:
            words.extend(r.name for r in regions if r.gss_code == self.region)
        if self.level:
            words.append(f"risk level {dict(LEVELS)[self.level].lower()}")
        if self.judgement:
            words.append(f"Ofsted: {dict(JUDGEMENTS)[self.judgement].lower()}")
        if self.intervention:
            words.append("in intervention")
        if self.flags:
            words.append("with open flags")
        if self.pipeline:
            words.append(f"reviews {dict(PIPELINE_STAGES)[self.pipeline].lower()}")
        if self.challenge:
            words.append(dict(CHALLENGE_CHOICES)[self.challenge].lower())
        return words

    def apply(self, rows: list[CouncilRow]) -> list[CouncilRow]:
        out = []
        for r in rows:
            if self.region and r.region_code != self.region:
                continue
            if self.level and r.level != self.level:
                continue
            if self.judgement and r.judgement != self.judgement:
                continue
            if self.intervention and not r.in_intervention:
                continue
            if self.flags and not r.open_flags:
                continue
            if self.pipeline and not r.stages.get(self.pipeline):
                continue
            if self.challenge == "covered" and not r.in_challenge:
                continue
            if self.challenge == "none" and r.in_challenge:
                continue
            out.append(r)
        return out


# --- A council's senior leaders -------------------------------------------------------------
