"""The edit form after a failed save: readable messages tied to their fields,
and a summary at the top that links to each of them and takes the focus."""

import re

import pytest

from tests.moderation import form_data, signed_in

SECRETARIAT = "secretariat@example.org"


@pytest.fixture
def slug(make_institution):
    return make_institution()


@pytest.fixture
def secretariat(app, make_user, slug):
    make_user(SECRETARIAT, role="secretariat")
    return signed_in(app, SECRETARIAT)


def save(client, slug: str, **changes):
    """Submit the edit form as a browser would, some fields changed."""
    path = f"/institutions/{slug}/edit"
    data, _ = form_data(client.get(path).get_data(as_text=True), "institution-form")
    data.update({name: [value] for name, value in changes.items()})
    response = client.post(path, data=data)
    return response, response.get_data(as_text=True)


def tag(page: str, ident: str) -> str:
    """The opening tag of the element with this id."""
    found = re.search(rf'<[a-z]+[^>]*\bid="{ident}"[^>]*>', page)
    assert found, f"no element #{ident}"
    return found[0]


def element_text(page: str, ident: str) -> str:
    found = re.search(rf'id="{ident}"[^>]*>(.*?)</div>', page, re.S)
    assert found, f"no element #{ident}"
    return " ".join(re.sub(r"<[^>]+>", " ", found[1]).split())


def test_other_name_without_language_gets_a_sentence_not_a_dict(secretariat, slug):
    response, page = save(secretariat, slug, other_names="Бюро статистики")
    assert response.status_code == 422
    assert "{0:" not in page and "{&#39;lang&#39;" not in page
    message = element_text(page, "other_names-error")
    assert "Line 1" in message and "Бюро статистики" in message
    assert "ru: Название" in message


def test_faulty_lines_each_say_which_line(secretariat, slug):
    lines = "ru: Бюро\nkazakh: Бюро\nru: Другое\nfr:"
    response, page = save(secretariat, slug, other_names=lines)
    assert response.status_code == 422
    message = element_text(page, "other_names-error")
    assert "Line 2" in message and "kazakh" in message
    assert "Line 3" in message and "line 1" in message
    assert "Line 4" in message


def test_field_with_an_error_points_to_its_message(secretariat, slug):
    _, page = save(secretariat, slug, other_names="Бюро статистики")
    field = tag(page, "other_names")
    assert 'aria-invalid="true"' in field
    assert 'aria-describedby="other_names-error"' in field
    assert "aria-invalid" not in tag(page, "name")


def test_schema_errors_are_tied_to_their_fields_too(secretariat, slug):
    response, page = save(secretariat, slug, email="not an address")
    assert response.status_code == 422
    field = tag(page, "email")
    assert 'aria-invalid="true"' in field
    assert 'aria-describedby="email-error"' in field
    assert element_text(page, "email-error")


def test_a_too_long_other_name_names_its_line(secretariat, slug):
    _, page = save(secretariat, slug, other_names="ru: " + "Б" * 301)
    message = element_text(page, "other_names-error")
    assert message.startswith("Line 1:"), message
    assert "{" not in message


def test_failed_save_opens_with_a_summary_that_takes_the_focus(secretariat, slug):
    _, page = save(secretariat, slug, other_names="Бюро статистики", name="")
    summary = tag(page, "error-summary")
    assert 'tabindex="-1"' in summary and "autofocus" in summary
    assert 'role="alert"' in summary
    # At the top: before the form, each error linked to its field.
    assert page.index('id="error-summary"') < page.index('id="institution-form"')
    body = page[page.index('id="error-summary"') :]
    body = body[: body.index("</div>")]
    assert 'href="#name"' in body and 'href="#other_names"' in body


def test_no_summary_on_a_fresh_form(secretariat, slug):
    page = secretariat.get(f"/institutions/{slug}/edit").get_data(as_text=True)
    assert 'id="error-summary"' not in page
    assert "aria-invalid" not in page


def test_new_entry_form_has_the_summary_too(secretariat):
    path = "/institutions/new"
    data, _ = form_data(
        secretariat.get(path).get_data(as_text=True), "institution-form"
    )
    data.update(name=["Statistics bureau"], other_names=["Bureau"], country=["KZ"])
    response = secretariat.post(path, data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'href="#other_names"' in page
    assert 'aria-describedby="other_names-error"' in tag(page, "other_names")
