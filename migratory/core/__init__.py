"""Shared building blocks: base model, errors, pagination, text helpers."""
