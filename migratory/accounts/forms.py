"""Forms of sign-in, registration, password reset, invitations and profiles."""

from babel import Locale
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import (
    DataRequired,
    EqualTo,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)
from wtforms.widgets import HiddenInput

from migratory.accounts.network_roles import NETWORK_ROLES
from migratory.accounts.passwords import RULE, password_problem
from migratory.inventory.forms import choices
from migratory.inventory.vocab import STATUSES


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    remember = BooleanField(_l("Remember me on this computer"))
    submit = SubmitField(_l("Sign in"))


def strong_password(form, field) -> None:
    """The password rules, checked as the form is read (blanks included: a
    password of spaces is a password, and refused as one)."""
    email = form.email.data if "email" in form else ""
    problem = password_problem(field.data or "", email or "")
    if problem:
        raise ValidationError(problem)


def _new_password(label):
    return PasswordField(
        label,
        validators=[InputRequired(message=RULE), strong_password],
        description=RULE,
    )


class RegisterForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = _new_password(_l("Password"))
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[EqualTo("password", message=_l("The passwords differ."))],
    )
    submit = SubmitField(_l("Register"))


class ForgotForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    submit = SubmitField(_l("Send me a link"))


class ResetForm(FlaskForm):
    password = _new_password(_l("New password"))
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[EqualTo("password", message=_l("The passwords differ."))],
    )
    submit = SubmitField(_l("Set the password"))


NAME_HINT = _l(
    "Shown beside your changes, for instance in the public history of an entry. "
    "Without a name, your role is shown instead."
)


class AcceptInvitationForm(FlaskForm):
    """A new account from an invitation: its name and password."""

    name = StringField(
        _l("Name"), validators=[Optional(), Length(max=200)], description=NAME_HINT
    )
    password = _new_password(_l("Password"))
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[EqualTo("password", message=_l("The passwords differ."))],
    )
    submit = SubmitField(_l("Accept the invitation"))


class JoinForm(FlaskForm):
    """An existing account, signed in, accepts an invitation."""

    name = StringField(
        _l("Name"), validators=[Optional(), Length(max=200)], description=NAME_HINT
    )
    submit = SubmitField(_l("Accept the invitation"))


def language_choices(languages) -> list[tuple[str, str]]:
    """Each language of the site under its own name ("русский", "français")."""
    return [(code, Locale.parse(code).get_display_name(code)) for code in languages]


class ProfileForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    position = StringField(
        _l("Position"),
        validators=[Optional(), Length(max=200)],
        description=_l(
            "Your post, e.g. Head of the migration statistics division. A focal "
            "point's name and position are shown on their country's page."
        ),
    )
    language = SelectField(
        _l("Language of e-mail from the site"),
        description=_l("Switching the site's language also changes it."),
    )
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.language.choices = language_choices(current_app.config["LANGUAGES"])
        if self.language.data is None:  # an account that never chose one
            self.language.data = current_app.config["BABEL_DEFAULT_LOCALE"]


class ActionForm(FlaskForm):
    """A form with only a button: the CSRF token is what it carries."""

    submit = SubmitField(_l("Confirm"))


class RoleForm(FlaskForm):
    """Invite someone, or designate a user, with a role."""

    email = EmailField(_l("E-mail"), validators=[Optional(), Length(max=254)])
    role = SelectField(
        _l("Role"),
        choices=choices(
            [
                ("focal_point", _l("Focal point")),
                ("secretariat", _l("Secretariat")),
                ("member", _l("Member")),
            ]
        ),
    )
    country = SelectField(
        _l("Country (focal points)"), choices=[], validate_choice=False
    )
    # The service checks the value, so that a forged one gets a clear message.
    network_role = SelectField(
        _l("Role in the country's network (focal points)"),
        choices=choices([("", "—"), *NETWORK_ROLES.items()]),
        validate_choice=False,
    )
    # Without scripts, choosing another country needs a round trip to list
    # its institutions; this button makes it and saves nothing.
    show = SubmitField(_l("Show this country's institutions"))
    # The service checks every institution against the country, so that a
    # forged one gets a clear message rather than "not a valid choice".
    institutions = SelectMultipleField(
        _l("Institutions (focal points)"),
        choices=[],
        coerce=int,
        validate_choice=False,
        description=_l("Published entries of the country. Ctrl-click to pick several."),
    )
    submit = SubmitField(_l("Save"))

    def offer(self, institutions) -> None:
        """Offer these institutions; any not published says its status."""
        self.institutions.choices = choices(
            (i.id, i.display_name)
            if i.status == "published"
            else (i.id, f"{i.display_name} ({STATUSES[i.status]})")
            for i in institutions
        )


class RevokeForm(FlaskForm):
    """Withdraw one pending invitation."""

    revoke = IntegerField(widget=HiddenInput(), validators=[DataRequired()])
    submit = SubmitField(_l("Revoke"))
