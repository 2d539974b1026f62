"""The producer-user link form: new links, edits, proposals, and the
secretariat's edit before approving a proposal."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from migratory.inventory.forms import choices
from migratory.network.link_schemas import format_years
from migratory.network.links import FIELD_LABELS
from migratory.network.vocab import FLOWS, RECORD_STATUSES

KEY_HELP = _l("The institution's short name in its address (its slug) or ROR id.")


class LinkForm(FlaskForm):
    """Every field of a link; the schema validates the result."""

    producer = StringField(
        FIELD_LABELS["producer"],
        validators=[DataRequired(), Length(max=200)],
        description=KEY_HELP,
    )
    user = StringField(
        FIELD_LABELS["user"],
        validators=[DataRequired(), Length(max=200)],
        description=KEY_HELP,
    )
    flow = SelectField(FIELD_LABELS["flow"], choices=choices(FLOWS.items()))
    data_source = StringField(
        _l("Data source of the producer (optional)"),
        validators=[Optional(), Length(max=200)],
    )
    years = StringField(
        _l("Years covered, as 2010-2020, 2019 or 2015- (optional)"),
        validators=[Optional(), Length(max=20)],
    )
    description = TextAreaField(
        FIELD_LABELS["description"], validators=[Optional(), Length(max=2000)]
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
    # The link being changed (its own row is no duplicate); set by the views.
    link = HiddenField("")
    submit = SubmitField(_l("Save"))

    def payload(self) -> dict:
        """The form's values in the shape the link schema loads."""
        payload = {
            "producer": self.producer.data,
            "user": self.user.data,
            "flow": self.flow.data,
            "data_source": self.data_source.data,
            "years": self.years.data,
            "description": self.description.data,
        }
        if self.status.data:
            payload["status"] = self.status.data
        if (self.link.data or "").isdigit():
            payload["id"] = int(self.link.data)
        return payload

    def fill(self, state: dict) -> None:
        """Show a saved state (a link, a proposal, a revision) in the form."""
        for field in ("producer", "user", "flow", "data_source", "description"):
            if field in state:
                self[field].data = state[field]
        if "status" in state:
            self.status.data = state["status"]
        if "year_from" in state or "year_to" in state:
            self.years.data = format_years(state.get("year_from"), state.get("year_to"))
        if state.get("id") is not None:
            self.link.data = str(state["id"])
