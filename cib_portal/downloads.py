"""The Content-Disposition header of every download, built safely (RFC 6266).

A file name can carry what people typed (a council, a title, a local period label). Written
raw into `filename="..."`, a `"` ends the value early and the rest of the name is read as
another parameter, or the header is refused. The header here gives `filename=` a plain ASCII
copy of the name with anything that could break it replaced, and, when that copy differs from
the real name, the real name as `filename*` (UTF-8, percent-encoded), which browsers prefer.
"""

from __future__ import annotations

import re
from urllib.parse import quote

# What goes into the quoted ASCII copy as it is; anything else becomes "_".
_PLAIN = re.compile(r"[^A-Za-z0-9 ._()\[\]+,;=@&#!~-]")


def content_disposition(filename: str, *, attachment: bool = True) -> str:
    """The Content-Disposition header value for a download named `filename`."""
    kind = "attachment" if attachment else "inline"
    name = " ".join(str(filename).split()) or "download"
    fallback = _PLAIN.sub("_", name)
    if fallback == name:
        return f'{kind}; filename="{name}"'
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
