"""Recognising the annex's table captions ("Tabel 9. Tegevuste ajakava")."""

from __future__ import annotations

import re

from extract.text import clean_text

# "Tabel 9. Tegevuste ajakava": the number's dot is what tells a caption from a
# sentence that merely begins with the word.
CAPTION_RE = re.compile(r"^Tabel\s+(\d{1,3})\.(?:\s+\S.*)?$", re.IGNORECASE)


def caption_number(text: str) -> int | None:
    """The table number when `text` is a caption, else None."""
    m = CAPTION_RE.match(clean_text(text))
    return int(m.group(1)) if m else None
