"""Moderation: proposals, revisions restored, duplicates, the audit log."""
