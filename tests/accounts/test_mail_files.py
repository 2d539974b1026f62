"""Development mail: messages are written as files under MAIL_FILE_DIR."""

from email import message_from_string

from migratory.core.mail import send_message
from tests.conftest import make_test_app, wipe_inventory


def test_messages_become_files_instead_of_being_sent(database_url, tmp_path, mailbox):
    folder = tmp_path / "mail"
    app = make_test_app(database_url, tmp_path / "index", MAIL_FILE_DIR=str(folder))
    try:
        with app.test_request_context():
            send_message("someone@example.org", "Hello", "A body with a link.")
        [written] = list(folder.glob("*.eml"))
        message = message_from_string(written.read_text(encoding="utf-8"))
        assert message["To"] == "someone@example.org"
        assert "Hello" in message["Subject"]
        assert "A body with a link." in message.get_payload(decode=True).decode()
        assert mailbox.messages == []  # nothing went to an SMTP server
    finally:
        wipe_inventory(app)
