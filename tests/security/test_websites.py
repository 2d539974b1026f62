"""Websites are validated strictly: nothing that could end an HTML attribute,
no impossible port, no credentials; real addresses (paths, queries, IDN) pass."""

import pytest
from marshmallow import ValidationError

from migratory.inventory.schemas import InstitutionSchema
from tests.conftest import institution_payload

REFUSED = {
    'https://example.com/"onmouseover="alert(1)': "quotes",
    "https://example.com/<script>": "angle brackets",
    "https://example.com/a b": "spaces",
    "https://example.com\\@evil.example": "backslashes",
    "https://example.org:65536/": "from 1 to 65535",
    "https://example.org:99999": "from 1 to 65535",
    "https://example.org:0/": "from 1 to 65535",
    "https://user:secret@example.org/": "user name or password",
    "javascript:alert(1)": "http:// or https://",
    "ftp://example.org/": "http:// or https://",
    "https://localhost/": "host name is not valid",
    "https://-bad-.example.org/": "host name is not valid",
    "https://300.1.1.1/": "IP address is not valid",
}
ACCEPTED = [
    "https://stat.gov.kz/en?lang=ru&page=2#top",
    "https://www.nsf.gov/index.jsp?org=ENG",
    "http://example.org:8080/path/",
    "https://xn--80ak6aa92e.com/",
    "https://example.org/a'b",
    "https://example.org/%22quoted%22",
]


def load(ctx, website):
    return InstitutionSchema().load(institution_payload(website=website))


@pytest.mark.parametrize(("website", "reason"), REFUSED.items())
def test_unsafe_or_impossible_websites_are_refused(ctx, website, reason):
    with pytest.raises(ValidationError) as refused:
        load(ctx, website)

    [message] = refused.value.messages["website"]
    assert message.startswith("Not a valid URL: ")
    assert reason in message


@pytest.mark.parametrize("website", ACCEPTED)
def test_real_websites_pass(ctx, website):
    assert load(ctx, website)["website"] == website


def test_bare_host_still_gets_its_scheme(ctx):
    assert load(ctx, "www.destatis.de/EN")["website"] == "https://www.destatis.de/EN"


def test_the_api_document_still_says_url(client):
    schema = client.get("/api/v1/openapi.json").json["components"]["schemas"]

    assert schema["PublicInstitution"]["properties"]["website"]["format"] == "url"
