"""Texts the code writes into records (revision comments, audit actions, domain
errors) and the mail templates are shown in the reader's language."""

from pathlib import Path

import pytest
from flask_babel import force_locale

from tests.conftest import csrf_token
from tests.moderation import signed_in, table

SECRETARIAT = "secretariat@example.org"
CATALOGS = Path(__file__).resolve().parents[2] / "migratory" / "translations"


def mail_messages() -> set[str]:
    """Every translatable string of templates/mail/*.txt, as babel finds it."""
    from babel.messages.extract import extract_from_dir

    found = set()
    for _, _, message, _, _ in extract_from_dir(
        str(CATALOGS.parents[1] / "templates" / "mail"),
        method_map=[("**.txt", "jinja2")],
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


@pytest.mark.parametrize("lang", ["ru", "fr"])
def test_every_mail_message_is_translated(lang):
    """Mail goes out in the recipient's language: none of it stays English."""
    from babel.messages.pofile import read_po

    with open(CATALOGS / lang / "LC_MESSAGES" / "messages.po", "rb") as handle:
        catalog = read_po(handle)
    translated = {m.id for m in catalog if m.id and m.string and not m.fuzzy}
    found = mail_messages()
    assert "Entries to check" in found
    assert sorted(found - translated) == []


def post(client, path: str, form_page: str):
    token = csrf_token(client, form_page)
    return client.post(path, data={"csrf_token": token})


@pytest.fixture
def secretariat(app, make_institution, make_user):
    """A secretariat client that archived, republished and restored an entry."""
    from migratory.inventory.services import update_institution
    from tests.conftest import institution_payload

    slug = make_institution()
    make_user(SECRETARIAT, role="secretariat")
    with app.app_context():
        renamed = institution_payload(name="Migration Statistics Agency")
        update_institution(slug, renamed, comment="Renamed by hand")
    client = signed_in(app, SECRETARIAT)
    history = f"/institutions/{slug}/history"
    for action in ("archive", "unarchive", "history/1/restore"):
        response = post(client, f"/institutions/{slug}/{action}", history)
        assert response.status_code == 302
    client.slug = slug
    return client


def test_revision_comments_in_russian_and_french(secretariat):
    history = f"/institutions/{secretariat.slug}/history"
    page = secretariat.get(history + "?lang=ru").get_data(as_text=True)
    for text in ("В архиве", "Восстановлено из архива", "Восстановлена версия 1"):
        assert text in page
    assert "Restored from the archive" not in page
    assert "Renamed by hand" in page  # what a person typed stays as written
    page = secretariat.get(history + "?lang=fr").get_data(as_text=True)
    assert "Révision 1 restaurée" in page
    page = secretariat.get(history + "?lang=en").get_data(as_text=True)
    assert "Restored revision 1" in page and "Restored from the archive" in page


def test_audit_actions_in_russian(secretariat):
    page = secretariat.get("/secretariat/audit?lang=ru").get_data(as_text=True)
    actions = [row[2] for row in table(page, "audit")]
    assert actions == ["восстановление версии", "повторная публикация", "архивирование"]
    assert 'value="unarchive"' in page  # the filter still sends the code
    assert "версия: 1" in page
    page = secretariat.get("/secretariat/audit?lang=en").get_data(as_text=True)
    assert [row[2] for row in table(page, "audit")][0] == "restore"


def test_merge_comment_is_translated(app):
    from migratory.core.revision_labels import revision_comment

    with app.test_request_context(), force_locale("ru"):
        assert revision_comment("Merged a-b into c-d") == "Запись a-b объединена с c-d"
        assert revision_comment("Checked the website") == "Checked the website"
        assert revision_comment(None) == ""


def test_domain_errors_in_the_reader_language(app, secretariat):
    from migratory.accounts.tokens import read_token
    from migratory.core.errors import ValidationFailed

    with app.test_request_context(), force_locale("fr"):
        with pytest.raises(ValidationFailed) as error:
            read_token("confirm", "forged")
    assert error.value.message == "Ce lien n’est pas valide."
    response = secretariat.get(
        f"/institutions/{secretariat.slug}/confirm/forged?lang=ru"
    )
    assert "Ссылка недействительна." in response.get_data(as_text=True)
