"""Forms of sign-in, registration, password reset, invitations and profiles."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from migratory.accounts.passwords import MIN_LENGTH
from migratory.inventory.forms import choices


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    remember = BooleanField(_l("Remember me on this computer"))
    submit = SubmitField(_l("Sign in"))


def _new_password(label):
    return PasswordField(
        label, validators=[DataRequired(), Length(min=MIN_LENGTH, max=200)]
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


class AcceptInvitationForm(FlaskForm):
    name = StringField(_l("Name"), validators=[Optional(), Length(max=200)])
    password = PasswordField(_l("Password"), validators=[Optional(), Length(max=200)])
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[EqualTo("password", message=_l("The passwords differ."))],
    )
    submit = SubmitField(_l("Accept the invitation"))


class ProfileForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("Save"))


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
    institutions = SelectMultipleField(
        _l("Institutions (focal points)"), choices=[], coerce=int, validate_choice=False
    )
    submit = SubmitField(_l("Save"))
