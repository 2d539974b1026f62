"""The institution form: edits, proposals and new entries."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    FloatField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from migratory.core.errors import DomainError
from migratory.inventory import queries
from migratory.inventory.labels import FIELD_LABELS
from migratory.inventory.name_lines import name_line_errors, parse_name_lines
from migratory.inventory.vocab import CATEGORIES, ROLES, STATUSES, TOPICS


def choices(pairs) -> list[SelectChoice]:
    """Select options from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class InstitutionForm(FlaskForm):
    """Every field a person may change; the schema validates the result."""

    name = StringField(
        FIELD_LABELS["name"], validators=[DataRequired(), Length(max=300)]
    )
    acronym = StringField(
        FIELD_LABELS["acronym"], validators=[Optional(), Length(max=50)]
    )
    other_names = TextAreaField(
        _l("Names in other languages, one per line as “ru: Название”"),
        validators=[Optional(), Length(max=3000)],
    )
    category = SelectField(
        FIELD_LABELS["category"], choices=choices(CATEGORIES.items())
    )
    summary = TextAreaField(FIELD_LABELS["summary"], validators=[Length(max=5000)])
    website = StringField(
        FIELD_LABELS["website"], validators=[Optional(), Length(max=500)]
    )
    email = StringField(FIELD_LABELS["email"], validators=[Optional(), Length(max=254)])
    phone = StringField(FIELD_LABELS["phone"], validators=[Optional(), Length(max=50)])
    address = StringField(
        FIELD_LABELS["address"], validators=[Optional(), Length(max=300)]
    )
    city = StringField(FIELD_LABELS["city"], validators=[Optional(), Length(max=120)])
    country = SelectField(FIELD_LABELS["country"], choices=[], validate_choice=False)
    latitude = FloatField(
        FIELD_LABELS["latitude"], validators=[Optional(), NumberRange(-90, 90)]
    )
    longitude = FloatField(
        FIELD_LABELS["longitude"], validators=[Optional(), NumberRange(-180, 180)]
    )
    topics = CheckboxesField(FIELD_LABELS["topics"], choices=choices(TOPICS.items()))
    roles = CheckboxesField(FIELD_LABELS["roles"], choices=choices(ROLES.items()))
    # Only the secretariat sees it; the schema checks the value.
    status = SelectField(
        FIELD_LABELS["status"], choices=choices(STATUSES.items()), validate_choice=False
    )
    comment = StringField(
        _l("Why this change? (optional, shown in the history)"),
        validators=[Optional(), Length(max=500)],
    )
    version = HiddenField()
    submit = SubmitField(_l("Save"))

    def validate_other_names(self, field) -> None:
        """One readable message per faulty line, before the schema sees them."""
        problems = name_line_errors(field.data or "")
        if problems:
            field.errors = list(field.errors) + problems[:-1]
            raise ValidationError(problems[-1])

    def payload(self) -> dict:
        """The form's values in the shape the institution schema loads."""
        return {
            "name": self.name.data,
            "acronym": self.acronym.data,
            "names": parse_name_lines(self.other_names.data or ""),
            "category": self.category.data,
            "summary": self.summary.data,
            "website": self.website.data,
            "email": self.email.data,
            "phone": self.phone.data,
            "address": self.address.data,
            "city": self.city.data,
            "country": self.country.data,
            "latitude": self.latitude.data,
            "longitude": self.longitude.data,
            "topics": self.topics.data or [],
            "roles": self.roles.data or [],
        } | ({"status": self.status.data} if self.status.data else {})

    def fill(self, state: dict) -> None:
        """Show a saved state (an entry, a proposal, a revision) in the form."""
        for field in (
            "name", "acronym", "category", "summary", "website", "email", "phone",
            "address", "city", "country", "latitude", "longitude", "topics", "roles",
            "status",
        ):  # fmt: skip
            if field in state:
                self[field].data = state[field]
        self.other_names.data = "\n".join(
            f"{n['lang']}: {n['name']}" for n in state.get("names") or []
        )


FORM_FIELDS = {"country_code": "country", "names": "other_names"}


def institution_form(**kwargs) -> InstitutionForm:
    """The institution form with the countries to choose from."""
    form = InstitutionForm(**kwargs)
    form.country.choices = choices((c.iso2, c.name) for c in queries.all_countries())
    return form


def show_errors(form, error: DomainError) -> None:
    """Field errors from the schema onto the form's fields, readable (nested
    errors of a list, such as the other names, say which line); the rest is
    a message of the whole form. The page's error summary lists them all."""
    shown = False
    for field, messages in (error.errors or {}).items():
        name = FORM_FIELDS.get(field, field)
        if name in form:
            form[name].errors = list(form[name].errors) + readable(messages)
            shown = True
    if not shown:
        form.form_errors.append(error.message)


def readable(messages) -> list[str]:
    """Flat sentences from marshmallow's messages: lists, and dicts keyed by a
    list position (a line of the form, counted from 1) or a sub-field."""
    if isinstance(messages, str):
        return [messages]
    if isinstance(messages, dict):
        flat = []
        for key, value in messages.items():
            for message in readable(value):
                if isinstance(key, int):
                    flat.append(_("Line %(number)s: %(message)s", number=key + 1,
                                  message=message))  # fmt: skip
                else:
                    flat.append(message)
        return flat
    return [m for item in messages for m in readable(item)]
