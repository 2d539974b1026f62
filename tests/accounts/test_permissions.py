"""Permission functions answer for anonymous visitors as for users: every
`may_*` / `is_*` says no, every `require_*` refuses, and nothing in the code
asks a user object for a role with getattr()."""

import inspect
import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from migratory.accounts import permissions as accounts_permissions
from migratory.accounts.anonymous import AnonymousVisitor
from migratory.core import permissions as core_permissions
from migratory.core.errors import PermissionDenied
from migratory.inventory import permissions as inventory_permissions
from tests.conftest import make_test_app

ROOT = Path(__file__).resolve().parents[2]
PERMISSION_MODULES = [core_permissions, accounts_permissions, inventory_permissions]


def permission_functions(prefixes: tuple[str, ...]) -> list:
    """(module, name, function) of each public function with these prefixes."""
    return [
        pytest.param(module, name, function, id=f"{module.__name__}.{name}")
        for module in PERMISSION_MODULES
        for name, function in inspect.getmembers(module, inspect.isfunction)
        if name.startswith(prefixes) and function.__module__ == module.__name__
    ]


def arguments(function, user) -> list:
    """The acting user, then a stand-in for each object the function takes: a
    draft entry of Kazakhstan (id 1)."""
    entry = SimpleNamespace(id=1, country_code="KZ", status="draft", slug="e")
    count = len(inspect.signature(function).parameters)
    return [user] + [entry] * (count - 1)


@pytest.fixture(scope="module")
def app(sqlite_url, tmp_path_factory):
    """An application (the permission messages are translated in its context)."""
    return make_test_app(sqlite_url, tmp_path_factory.mktemp("index"))


@pytest.fixture
def anonymous(app):
    with app.test_request_context("/"):
        yield AnonymousVisitor()


@pytest.mark.parametrize(
    ("module", "name", "function"), permission_functions(("may_", "is_"))
)
def test_anonymous_visitors_may_do_nothing_reserved(anonymous, module, name, function):
    assert function(*arguments(function, anonymous)) is False


@pytest.mark.parametrize(
    ("module", "name", "function"), permission_functions(("may_",))
)
def test_a_missing_user_may_do_nothing_either(app, module, name, function):
    """Services called without an acting user (None) refuse as for anonymous."""
    with app.test_request_context("/"):
        assert function(*arguments(function, None)) is False


@pytest.mark.parametrize(
    ("module", "name", "function"), permission_functions(("require_",))
)
def test_anonymous_visitors_are_refused(anonymous, module, name, function):
    with pytest.raises(PermissionDenied):
        function(*arguments(function, anonymous))


def test_every_permission_function_is_checked():
    names = {p.values[1] for p in permission_functions(("may_", "is_", "require_"))}
    assert {
        "is_signed_in",
        "is_secretariat",
        "may_manage_people",
        "require_signed_in",
        "require_secretariat",
        "may_edit_institution",
        "require_institution_edit",
        "may_see_unpublished",
        "may_propose",
    } <= names


def test_unpublished_entries_exist_only_for_their_editors(anonymous):
    """An anonymous visitor sees a published entry, never a draft."""
    draft = SimpleNamespace(id=1, country_code="KZ", status="draft")
    published = SimpleNamespace(id=1, country_code="KZ", status="published")
    assert inventory_permissions.may_see_unpublished(anonymous, published)
    assert not inventory_permissions.may_see_unpublished(anonymous, draft)


def test_the_anonymous_visitor_is_the_login_managers(app):
    from flask_login import current_user

    with app.test_request_context("/"):
        assert isinstance(current_user._get_current_object(), AnonymousVisitor)
        assert not current_user.is_secretariat
        assert current_user.institutions == ()


@pytest.mark.parametrize(
    "attribute",
    [
        "id",
        "email",
        "name",
        "role",
        "is_secretariat",
        "is_focal_point",
        "country_code",
        "country",
        "institutions",
        "network_role",
        "position",
        "email_verified",
        "last_login",
        "language",
        "display_name",
    ],
)
def test_anonymous_visitors_answer_what_users_answer(attribute):
    from migratory.accounts.models import User

    assert hasattr(User, attribute)
    assert hasattr(AnonymousVisitor(), attribute)


ROLE_BY_GETATTR = re.compile(
    r"getattr\(\s*(current_user|user|actor|acting_user|person)\s*,\s*[\"']is_"
)


def test_no_code_asks_a_user_for_a_role_with_getattr():
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for folder in ("migratory", "templates")
        for path in sorted((ROOT / folder).rglob("*.py"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if ROLE_BY_GETATTR.search(line)
    ]
    assert not found
