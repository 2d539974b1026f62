"""The body of one page of an API list, the same for every kind of record."""

from flask import request, url_for


def list_page(filters: dict, found, per_page: int, results) -> dict:
    """total, page, per_page, `next` (an absolute URL of the next page with the
    same filters, or None) and the results; `found` is any page object with
    `total`, `page` and `has_next`."""
    next_url = None
    if found.has_next:
        args = {k: v for k, v in filters.items() if v is not None and k != "page"}
        next_url = url_for(
            request.endpoint, page=found.page + 1, _external=True, **args
        )
    return {
        "total": found.total,
        "page": found.page,
        "per_page": per_page,
        "next": next_url,
        "results": results,
    }
