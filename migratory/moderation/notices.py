"""Telling a proposer what the secretariat decided, by a queued mail."""

from migratory.accounts.user_mail import mail_language, mail_user
from migratory.core.records import record_kind
from migratory.moderation.models import Proposal


def notify_proposer(proposal: Proposal, record) -> None:
    """Tell the proposer what was decided, by a queued mail in their language
    (not the reviewer's)."""
    proposer = proposal.proposer
    if proposer is None:
        return
    kind = record_kind(proposal.record_kind)
    language = mail_language(proposer)
    if record is not None:
        name = kind.title(record, language)
        endpoint, values = kind.page(record)
    else:
        name = kind.title_of_data(proposal.data)
        endpoint, values = None, {}
    mail_user(
        proposer,
        "proposal_decision",
        status=proposal.status,
        name=name,
        endpoint=endpoint,
        values=values,
        reason=proposal.reason or "",
    )
