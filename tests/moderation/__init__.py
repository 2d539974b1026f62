"""Moderation and entry upkeep: proposals, history, conflicts, reminders.

Helpers shared by these tests: sign a second person in, read a form the way a
browser submits it, read a table of a page, and look at the database.
"""

from datetime import timedelta
from html.parser import HTMLParser

from sqlalchemy import func, select, update

from tests.conftest import Auth

BASE = "/institutions"
MEMBER = "member@example.org"
SECRETARIAT = "secretariat@example.org"


def signed_in(app, email: str):
    """A new test client signed in as `email` (one client per person)."""
    client = app.test_client()
    response = Auth(client).login(email)
    assert response.status_code == 302, f"{email} could not sign in"
    return client


class _Page(HTMLParser):
    """Collects the fields of every form and the cells of every table."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self.tables: dict[str, list[list[str]]] = {}
        self._form = None
        self._select = None
        self._option = None
        self._textarea = None
        self._table = None
        self._in_body = False
        self._row = None
        self._cell = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = {"id": attrs.get("id"), "action": attrs.get("action")}
            self._form["fields"] = []
            self.forms.append(self._form)
        elif tag == "input" and self._form is not None and attrs.get("name"):
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            default = "on" if kind in ("checkbox", "radio") else ""
            value = attrs.get("value")
            self._form["fields"].append(
                (attrs["name"], default if value is None else value)
            )
        elif tag == "select" and self._form is not None:
            self._select = {"name": attrs.get("name"), "options": []}
            self._select["multiple"] = "multiple" in attrs
        elif tag == "option" and self._select is not None:
            self._option = [attrs.get("value"), "selected" in attrs, ""]
            self._select["options"].append(self._option)
        elif tag == "textarea" and self._form is not None:
            self._textarea = [attrs.get("name"), ""]
        elif tag == "table" and attrs.get("id"):
            self._table = attrs["id"]
            self.tables[self._table] = []
        elif tag == "tbody" and self._table:
            self._in_body = True
        elif tag == "tr" and self._table and self._in_body:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "option" and self._option is not None:
            if self._option[0] is None:
                self._option[0] = self._option[2].strip()
            self._option = None
        elif tag == "select" and self._select is not None:
            options = self._select["options"]
            chosen = [o[0] for o in options if o[1]]
            if not chosen and options and not self._select["multiple"]:
                chosen = [options[0][0]]
            self._form["fields"] += [(self._select["name"], v) for v in chosen]
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            # Browsers drop the newline that follows <textarea>.
            if text.startswith("\r\n"):
                text = text[2:]
            elif text.startswith("\n"):
                text = text[1:]
            self._form["fields"].append((name, text))
            self._textarea = None
        elif tag == "table":
            self._table = None
            self._in_body = False
        elif tag == "tbody":
            self._in_body = False
        elif tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join(self._cell.split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[self._table].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._option is not None:
            self._option[2] += data
        if self._textarea is not None:
            self._textarea[1] += data
        if self._cell is not None:
            self._cell += data


def _parsed(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    page.close()
    return page


def form_data(html: str, form_id: str | None = None, action: str | None = None):
    """What a browser submits from a form of `html`, picked by id or action;
    without either, the first form that posts to the page itself.

    Returns ({name: [values]}, action).
    """
    for form in _parsed(html).forms:
        if form_id is None and action is None:
            wanted = form["action"] is None
        else:
            wanted = (form_id is None or form["id"] == form_id) and (
                action is None or form["action"] == action
            )
        if wanted:
            data: dict[str, list[str]] = {}
            for name, value in form["fields"]:
                data.setdefault(name, []).append(value)
            return data, form["action"]
    raise AssertionError(f"no form {form_id or action!r} on the page")


def submit(client, page_path: str, form_id=None, action=None, **changes):
    """Open `page_path`, fill the form as a browser would, change some fields
    (a value, a list of values, or None to leave the field out) and submit it."""
    page = client.get(page_path)
    assert page.status_code == 200, f"{page_path} answered {page.status_code}"
    data, target = form_data(page.get_data(as_text=True), form_id, action)
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value if isinstance(value, list) else [value]
    return client.post(target or page_path, data=data)


def table(html: str, table_id: str) -> list[list[str]]:
    """The body rows of the table with this id, as lists of cell texts."""
    tables = _parsed(html).tables
    assert table_id in tables, f"no table #{table_id} on the page"
    return tables[table_id]


def edit_path(slug: str) -> str:
    return f"{BASE}/{slug}/edit"


def entry(app, slug: str):
    """The institution with this slug, read afresh (attributes stay loaded)."""
    from migratory.extensions import db
    from migratory.inventory.models import Institution

    with app.app_context():
        institution = db.session.scalar(
            select(Institution).where(Institution.slug == slug)
        )
        assert institution is not None, f"no institution {slug}"
        # Load what tests look at before the session closes.
        institution.names, institution.topic_links  # noqa: B018
        db.session.expunge(institution)
        return institution


def revisions(app, slug: str) -> list:
    """The revisions of an entry, oldest first."""
    from migratory.core.history import Revision
    from migratory.extensions import db
    from migratory.inventory.models import Institution

    with app.app_context():
        found = list(
            db.session.scalars(
                select(Revision)
                .join(Institution, Revision.record_id == Institution.id)
                .where(Revision.record_kind == "institution")
                .where(Institution.slug == slug)
                .order_by(Revision.number)
            )
        )
        db.session.expunge_all()
        return found


def proposals(app, **where) -> list:
    """Proposals matching the given column values, oldest first."""
    from migratory.extensions import db
    from migratory.moderation.models import Proposal

    with app.app_context():
        found = list(
            db.session.scalars(
                select(Proposal).filter_by(**where).order_by(Proposal.id)
            )
        )
        db.session.expunge_all()
        return found


def user_id(app, email: str) -> int:
    from migratory.accounts.models import User
    from migratory.extensions import db

    with app.app_context():
        return db.session.scalar(select(User.id).where(User.email == email))


def institution_count(app) -> int:
    from migratory.extensions import db
    from migratory.inventory.models import Institution

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Institution))


def make_stale(app, slug, days=400):
    """Last confirmed (and created) `days` ago, written straight to the database."""
    from migratory.core.models import utcnow
    from migratory.extensions import db
    from migratory.inventory.models import Institution

    long_ago = utcnow() - timedelta(days=days)
    with app.app_context():
        db.session.execute(
            update(Institution)
            .where(Institution.slug == slug)
            .values(created=long_ago, last_verified=long_ago)
        )
        db.session.commit()


def make_confirmed(app, slug, days=0):
    """Confirmed (and created) `days` ago, written straight to the database."""
    make_stale(app, slug, days)


def never_confirmed(app, slug, days):
    """Added `days` ago and never confirmed, written straight to the database."""
    from migratory.core.models import utcnow
    from migratory.extensions import db
    from migratory.inventory.models import Institution

    with app.app_context():
        db.session.execute(
            update(Institution)
            .where(Institution.slug == slug)
            .values(created=utcnow() - timedelta(days=days), last_verified=None)
        )
        db.session.commit()
