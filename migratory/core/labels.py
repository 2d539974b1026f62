"""How a code of a controlled vocabulary reads, for every kind's diffs and
pages: the vocabulary's (translated) names, never the code."""

from collections.abc import Mapping


def vocabulary_label(names: Mapping, value) -> str:
    """A code, or a list of codes, by their names (comma-separated); a code
    the vocabulary does not know is shown as it is."""
    items = value if isinstance(value, list) else [value]
    return ", ".join(str(names.get(item, item)) for item in items)
