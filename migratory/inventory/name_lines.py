"""Names in other languages as the form shows them: one "ru: Название" a line."""

import re

from flask_babel import gettext as _

from migratory.inventory.schemas import LANG_TAG

EXAMPLE = "ru: Название"


def _split(line: str) -> tuple[str, str]:
    """(language code, name) of one line; the code is empty if none is given."""
    lang, sep, name = line.partition(":")
    if not sep:
        return "", line.strip()
    return lang.strip().lower(), name.strip()


def parse_name_lines(text: str) -> list[dict]:
    """The non-blank lines as {"lang", "name"} items, in order."""
    return [
        {"lang": lang, "name": name}
        for lang, name in (_split(line) for line in text.splitlines() if line.strip())
    ]


def name_line_errors(text: str) -> list[str]:
    """A sentence for each line a reader must correct, naming the line."""
    problems, seen = [], {}
    lines = [line for line in text.splitlines() if line.strip()]
    for number, line in enumerate(lines, start=1):
        lang, name = _split(line)
        if not lang:
            problems.append(
                _(
                    "Line %(number)s (“%(line)s”): begin it with the language "
                    "code and a colon, as in “%(example)s”.",
                    number=number,
                    line=line.strip(),
                    example=EXAMPLE,
                )
            )
        elif not re.match(LANG_TAG, lang):
            problems.append(
                _(
                    "Line %(number)s: “%(code)s” is not a language code; use two "
                    "or three letters, such as ru, kk or fr.",
                    number=number,
                    code=lang,
                )
            )
        elif not name:
            problems.append(
                _(
                    "Line %(number)s: the name after “%(code)s:” is missing.",
                    number=number,
                    code=lang,
                )  # fmt: skip
            )
        elif lang in seen:
            problems.append(
                _(
                    "Line %(number)s: line %(first)s already gives the name in "
                    "“%(code)s”; keep one name per language.",
                    number=number,
                    first=seen[lang],
                    code=lang,
                )
            )
        else:
            seen[lang] = number
    return problems
