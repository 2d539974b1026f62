"""Comments the code writes on revisions, shown in the reader's language.

A revision keeps the English text it was saved with (history is not
rewritten); the history page matches these texts and translates them when it
shows them. A comment someone typed is shown as it was written.
"""

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

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
