"""The data source form: new data sources, edits, proposals, and the
secretariat's edit before approving. The schema validates the result."""

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from migratory.inventory import queries
from migratory.inventory.forms import CheckboxesField, choices
from migratory.inventory.name_lines import name_line_errors, parse_name_lines
from migratory.network.data_source_labels import FIELD_LABELS
from migratory.network.vocab import (
    ACCESS,
    COVERAGE,
    FLOWS,
    PERIODICITIES,
    RECORD_STATUSES,
)

NONE = [("", "—")]
# Fields the form shows as they are saved (names and the date are converted).
SAME_AS_STATE = (
    "name", "type", "institution", "country", "coverage", "periodicity",
    "latest_year", "migrant_definition", "access", "access_url", "publication",
    "quality_note", "status",
)  # fmt: skip


class DataSourceForm(FlaskForm):
    """Every field of a data source a person may change."""

    name = StringField(
        FIELD_LABELS["name"], validators=[DataRequired(), Length(max=300)]
    )
    other_names = TextAreaField(
        _l("Names in other languages, one per line as “ru: Название”"),
        validators=[Optional(), Length(max=3000)],
    )
    type = SelectField(FIELD_LABELS["type"], choices=choices(FLOWS.items()))
    institution = StringField(
        FIELD_LABELS["institution"],
        description=_l(
            "The last part of the institution's page address, as in "
            "/institutions/national-statistics-office-kz."
        ),
        validators=[DataRequired(), Length(max=100)],
    )
    country = SelectField(FIELD_LABELS["country"], choices=[], validate_choice=False)
    coverage = CheckboxesField(
        FIELD_LABELS["coverage"], choices=choices(COVERAGE.items())
    )
    periodicity = SelectField(
        FIELD_LABELS["periodicity"],
        choices=choices(NONE + list(PERIODICITIES.items())),
        validate_choice=False,
    )
    latest_year = IntegerField(FIELD_LABELS["latest_year"], validators=[Optional()])
    migrant_definition = TextAreaField(
        FIELD_LABELS["migrant_definition"], validators=[Length(max=2000)]
    )
    access = SelectField(
        FIELD_LABELS["access"],
        choices=choices(NONE + list(ACCESS.items())),
        validate_choice=False,
    )
    access_url = StringField(
        FIELD_LABELS["access_url"], validators=[Optional(), Length(max=500)]
    )
    publication = TextAreaField(
        FIELD_LABELS["publication"], validators=[Length(max=2000)]
    )
    quality_note = TextAreaField(
        FIELD_LABELS["quality_note"], validators=[Length(max=5000)]
    )
    quality_assessed = DateField(
        FIELD_LABELS["quality_assessed"], validators=[Optional()]
    )
    # Only the secretariat sees it; the schema checks the value.
    status = SelectField(
        FIELD_LABELS["status"],
        choices=choices(RECORD_STATUSES.items()),
        validate_choice=False,
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
        """The form's values in the shape the data source schema loads."""
        assessed = self.quality_assessed.data
        payload = {name: self[name].data for name in SAME_AS_STATE if name != "status"}
        payload["coverage"] = self.coverage.data or []
        payload["names"] = parse_name_lines(self.other_names.data or "")
        payload["quality_assessed"] = assessed.isoformat() if assessed else None
        if self.status.data:
            payload["status"] = self.status.data
        return payload

    def fill(self, state: dict) -> None:
        """Show a saved state (a data source, a proposal, a revision)."""
        for name in SAME_AS_STATE:
            if name in state:
                self[name].data = state[name]
        self.other_names.data = "\n".join(
            f"{n['lang']}: {n['name']}" for n in state.get("names") or []
        )
        assessed = state.get("quality_assessed")
        self.quality_assessed.data = date.fromisoformat(assessed) if assessed else None


def data_source_form(**kwargs) -> DataSourceForm:
    """The data source form with the countries to choose from."""
    form = DataSourceForm(**kwargs)
    form.country.choices = choices(
        [("", _l("The producing institution's country"))]
        + [(c.iso2, c.name) for c in queries.all_countries()]
    )
    return form
