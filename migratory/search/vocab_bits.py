"""Topics packed into one integer per document, for fast facet counts."""

from migratory.inventory.vocab import TOPICS

TOPIC_BITS = {slug: 1 << bit for bit, slug in enumerate(TOPICS)}


def topics_from_mask(mask: int) -> list[str]:
    """The topic slugs whose bits are set."""
    return [slug for slug, bit in TOPIC_BITS.items() if mask & bit]
