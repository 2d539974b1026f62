"""Background jobs of accounts: the invitation mail."""

import logging

from migratory.accounts.models import Invitation, role_label
from migratory.core.jobs import huey
from migratory.core.mail import render_mail, send_message
from migratory.extensions import db

logger = logging.getLogger(__name__)


@huey.task(retries=5, retry_delay=120)
def send_invitation(invitation_id: int, token: str, locale: str) -> None:
    """Mail an invitation's link, in `locale`, unless it was withdrawn meanwhile."""
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.revoked or invitation.accepted:
        logger.info("Invitation %s no longer open: not mailed", invitation_id)
        return
    inviter = invitation.invited_by
    subject, body = render_mail(
        "invitation",
        locale,
        token=token,
        # Called while the template renders, in the recipient's language.
        inviter=lambda: inviter.display_name if inviter else "migratory",
        role_text=lambda: role_label(invitation.role, invitation.country),
    )
    send_message(invitation.email, subject, body, language=locale)
