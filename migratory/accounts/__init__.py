"""Accounts: users, roles, sign-in, registration, invitations."""
