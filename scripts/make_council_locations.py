"""Regenerate data/reference/council_locations.csv: a centroid for each of the 153 councils.

Why a script: the peer challenge optimiser's travel term needs a point per council, and the
points must be traceable to their source. They come from mySociety's
`uk_local_authority_names_and_codes` (CC-BY-4.0; file `uk_local_authorities_future.csv`,
commit 67ef8b118938678401a452f4f19f669a7221cc73, v1.7.3), columns `gss-code`, `lat`, `long`.

The 153 councils are those of data/reference/la_reference_2025_derived.csv. A council is
matched by its new code, then by its alternative code (Barnsley and Sheffield changed GSS codes
and mySociety knows one of the two), then by name. Any council left unmatched stops the script:
a silent gap would make a distance of zero or a crash much later.

    python scripts/make_council_locations.py \
        /work/shared/data/raw/mysociety_uk_local_authorities_future.csv
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "data" / "reference" / "la_reference_2025_derived.csv"
OUTPUT = ROOT / "data" / "reference" / "council_locations.csv"


def _norm(name: str) -> str:
    """A name reduced for matching: lower case, '&' as 'and', no punctuation or spaces."""
    name = name.lower().replace("&", "and")
    return "".join(ch for ch in name if ch.isalnum())


def build(raw: Path) -> list[dict[str, str]]:
    """The rows of the output, one per council of the reference file, in its order."""
    by_code: dict[str, dict[str, str]] = {}
    by_name: dict[str, dict[str, str]] = {}
    with raw.open(newline="", encoding="utf-8-sig") as fh:
        for row in csv.DictReader(fh):
            if not row["lat"] or not row["long"]:
                continue
            by_code.setdefault(row["gss-code"], row)
            for code in filter(None, (row.get("former-gss-codes") or "").split(",")):
                by_code.setdefault(code.strip(), row)
            by_name.setdefault(_norm(row["nice-name"]), row)
    out: list[dict[str, str]] = []
    missing: list[str] = []
    with REFERENCE.open(newline="", encoding="utf-8-sig") as fh:
        for ref in csv.DictReader(fh):
            match = (
                by_code.get(ref["new_la_code"])
                or by_code.get(ref["alt_new_la_code"] or "-")
                or by_name.get(_norm(ref["la_name"]))
            )
            if match is None:
                missing.append(f"{ref['new_la_code']} {ref['la_name']}")
                continue
            out.append(
                {
                    "gss_code": ref["new_la_code"],
                    "name": ref["la_name"],
                    "latitude": f"{float(match['lat']):.6f}",
                    "longitude": f"{float(match['long']):.6f}",
                }
            )
    if missing:
        raise SystemExit("no location for: " + "; ".join(missing))
    if len(out) != 153:
        raise SystemExit(f"expected 153 councils, got {len(out)}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("raw", type=Path, help="mySociety uk_local_authorities_future.csv")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    rows = build(args.raw)
    with args.output.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=["gss_code", "name", "latitude", "longitude"])
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} councils to {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
