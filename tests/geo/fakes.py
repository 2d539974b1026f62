"""A stand-in for Nominatim: geopy's interface, answers from a table, no network."""

from geopy.geocoders.base import Geocoder
from geopy.location import Location


class FakeNominatim(Geocoder):
    """Answers each query from `answers`: (latitude, longitude, place_rank),
    an exception to raise, or nothing (no result). Remembers what it was asked."""

    def __init__(self, answers: dict | None = None) -> None:
        super().__init__()
        self.answers = answers or {}
        self.queries: list[tuple[str, str | None]] = []

    def geocode(self, query, *, country_codes=None, exactly_one=True):
        self.queries.append((query, country_codes))
        answer = self.answers.get(query)
        if isinstance(answer, BaseException):
            raise answer
        if answer is None:
            return None
        latitude, longitude, rank = answer
        raw = {"lat": str(latitude), "lon": str(longitude), "place_rank": rank}
        return Location(query, (latitude, longitude), raw)


class NoNetwork(FakeNominatim):
    """A geocoder that fails the test if anything asks it."""

    def geocode(self, query, **kwargs):
        raise AssertionError(f"the network geocoder was asked for {query!r}")
