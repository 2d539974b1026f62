"""Account mail goes through the job queue: see migratory.core.mail.

Services call `enqueue_mail(address, "<template>", ...)` (templates/mail/) or a
task of `migratory.accounts.tasks`; nothing here sends inside a request.
"""

from migratory.core.mail import enqueue_mail, send_message

__all__ = ["enqueue_mail", "send_message"]
