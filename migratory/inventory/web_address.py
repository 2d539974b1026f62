"""Websites of institutions, validated strictly: what is stored is shown as a
link on every page, so nothing in it may end an HTML attribute or point at a
port that cannot exist."""

import re
from urllib.parse import urlsplit

from flask_babel import gettext as _
from marshmallow import ValidationError, fields
from marshmallow.validate import Length

# What RFC 3986 never allows unencoded in a URL: a quote or an angle bracket
# in a website would end an HTML attribute where the address is shown.
UNSAFE_IN_URL = re.compile(r'[\s"<>\\^`{|}\x00-\x1f\x7f]')
HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
IPV4 = re.compile(r"^\d{1,3}(\.\d{1,3}){3}$")


def _host_problem(host: str) -> str | None:
    """Why `host` is no public host name or IP address, or None."""
    if IPV4.match(host):
        ok = all(int(part) <= 255 for part in host.split("."))
        return None if ok else _("the IP address is not valid")
    if ":" in host:  # an IPv6 literal, which urlsplit took out of brackets
        ok = re.fullmatch(r"[0-9a-f:.]+", host)
        return None if ok else _("the IP address is not valid")
    try:
        labels = host.encode("idna").decode("ascii").rstrip(".").split(".")
    except UnicodeError:
        return _("the host name is not valid")
    if (
        len(labels) < 2
        or not all(HOST_LABEL.match(label) for label in labels)
        or labels[-1].isdigit()
    ):
        return _("the host name is not valid")
    return None


def _problem(value: str) -> str | None:
    """Why `value` is no acceptable website, or None."""
    if UNSAFE_IN_URL.search(value):
        return _("spaces, quotes, angle brackets and backslashes are not allowed")
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return _("it must start with http:// or https:// and a host name")
    if "@" in parts.netloc:
        return _("it must not contain a user name or password")
    try:
        port = parts.port
    except ValueError:
        port = 0
    if port == 0 or (port is None and parts.netloc.endswith(":")):
        return _("the port must be from 1 to 65535")
    return _host_problem((parts.hostname or "").lower())


def validate_web_address(value: str) -> None:
    """A website: http or https, a valid host, a port 1-65535, no credentials
    and none of the characters a URL must never hold unencoded."""
    problem = _problem(value)
    if problem:
        raise ValidationError(
            _("Not a valid URL: %(problem)s.", problem=problem)
            + " "
            + _("For example: https://www.example.org/path")
        )


class WebAddress(fields.Url):
    """A website (format "url" in the OpenAPI document), checked by
    validate_web_address alone, so that a bad one gets one clear message."""

    def __init__(self, **kwargs):
        super().__init__(schemes={"http", "https"}, **kwargs)
        self.validators = [Length(max=2000), validate_web_address]
