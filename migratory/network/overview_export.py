"""The network overview as table rows: its CSV and XLSX downloads.

Public fields only, as on the page and in the API: no e-mail address, no
position. Column names are stable codes (for scripts), and vocabularies are
written as codes, so that a download reads the same in every language.
"""

from collections.abc import Iterable

from migratory.accounts.network_roles import NETWORK_ROLES
from migratory.network.focal_points import GAPS
from migratory.network.overview import NOT_STATED, CountryRow

EXPORT_FORMATS = ("csv", "xlsx")
ROLE_COLUMNS = tuple(f"focal_points_{role}" for role in [*NETWORK_ROLES, NOT_STATED])
COLUMNS = (
    "country",
    "name",
    "focal_points",
    *ROLE_COLUMNS,
    "focal_point_names",
    "institutions",
    "verified_last_12_months",
    "verified_share",
    "links",
    *GAPS,
)


def focal_point_names(row: CountryRow) -> str:
    """ "Name (network role); ..." of a country's focal points."""
    return "; ".join(
        f"{point.display_name} ({point.network_role or NOT_STATED})"
        for point in row.focal_points
    )


def overview_row(row: CountryRow) -> list:
    """One country as the values of COLUMNS."""
    share = row.verified_share
    return [
        row.code,
        row.name,
        len(row.focal_points),
        *row.by_role.values(),
        focal_point_names(row),
        row.institutions,
        row.verified,
        None if share is None else round(share, 4),
        row.links,
        *("yes" if on else "no" for on in row.gaps.as_dict().values()),
    ]


def overview_rows(rows: Iterable[CountryRow]) -> list[list]:
    """Rows of COLUMNS' values, in the overview's order."""
    return [overview_row(row) for row in rows]
