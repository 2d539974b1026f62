"""Who made a revision, and the comments the code writes on revisions, shown
in the reader's language (for every kind of record).

A revision keeps the English text it was saved with (history is not
rewritten); the history page matches these texts and translates them when it
shows them. A comment someone typed is shown as it was written.
"""

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

# Who made a revision that no signed-in person made.
SOURCE_LABELS = {
    "seed": _l("Initial import (seed data)"),
    "import": _l("File import"),
    "synthetic": _l("Synthetic test data"),
    "geocoder": _l("Automatic placing"),
    "web": _l("Web form"),
    "restore": _l("Restored revision"),
    "merge": _l("Merge of duplicates"),
}


FIXED = {
    "Confirmed as still correct": _l("Confirmed as still correct"),
    "Archived": _l("Archived"),
    "Restored from the archive": _l("Restored from the archive"),
}
RESTORED = re.compile(r"Restored revision (\d+)")
MERGED = re.compile(r"Merged (\S+) into (\S+)")


def revision_comment(comment: str | None) -> str:
    """`comment` in the reader's language if the code wrote it, else as is."""
    if not comment:
        return ""
    if comment in FIXED:
        return str(FIXED[comment])
    if found := RESTORED.fullmatch(comment):
        return _("Restored revision %(number)s", number=found[1])
    if found := MERGED.fullmatch(comment):
        return _("Merged %(merged)s into %(kept)s", merged=found[1], kept=found[2])
    return comment


def source_label(source: str | None):
    """A readable author for a revision made without a person."""
    kind, _, ident = (source or "").partition(":")
    if kind == "proposal" and ident:
        return _l("Proposal %(id)s", id=ident)
    return SOURCE_LABELS.get(kind, source or "—")
