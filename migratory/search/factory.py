"""Choose and create the search backend from the configuration."""

from flask import Flask, current_app

from migratory.search.base import SearchBackend

BACKENDS = ("whoosh", "postgresql")


def init_search(app: Flask) -> None:
    """Create the configured backend, register institutions as the first
    document kind and the index-follows-commit hooks."""
    import migratory.search.models  # noqa: F401  (the PostgreSQL backend's table)
    import migratory.search.sync  # noqa: F401  (registers the session events)
    from migratory.search.documents import INSTITUTIONS
    from migratory.search.registry import register_document_kind

    register_document_kind(INSTITUTIONS)
    name = app.config["SEARCH_BACKEND"]
    if name == "whoosh":
        from migratory.search.whoosh_backend import WhooshBackend

        backend = WhooshBackend(
            app.config["SEARCH_INDEX_DIR"],
            lock_timeout=app.config.get("SEARCH_LOCK_TIMEOUT", 30.0),
        )
    elif name == "postgresql":
        from migratory.search.postgres_backend import PostgresBackend

        backend = PostgresBackend(app)
    else:
        raise RuntimeError(f"SEARCH_BACKEND must be one of {BACKENDS}, not {name!r}")
    app.extensions["search"] = backend


def get_backend() -> SearchBackend:
    """The search backend of the current application."""
    return current_app.extensions["search"]
