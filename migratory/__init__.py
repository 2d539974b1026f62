"""migratory: directory of institutions and producers of migration statistics."""

from pathlib import Path

from flask import Flask

from config import Config
from migratory.search.factory import init_search

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: object | None = None) -> Flask:
    """Build the application: bind extensions, register blueprints and commands."""
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(ROOT / "instance"),
    )
    app.config.from_object(config or Config())
    if app.config.get("TRUSTED_PROXIES"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    _bind_extensions(app)
    _init_database(app)
    _register_record_kinds()
    _register_blueprints(app)
    _register_cli(app)
    init_search(app)
    from migratory.network.data_source_search import register_data_source_search

    register_data_source_search()
    from migratory.network.link_search import register_link_search

    register_link_search()
    _init_jobs(app)
    _init_geocoder(app)
    _init_maps(app)
    return app


def _register_record_kinds() -> None:
    """The kinds of versioned record history and moderation handle."""
    from migratory.core.records import register_record_kind
    from migratory.inventory.records import institution_kind
    from migratory.network.data_sources import data_source_kind
    from migratory.network.links import link_kind
    from migratory.network.merging import register_network_merging

    register_record_kind(institution_kind())
    register_record_kind(data_source_kind())
    register_record_kind(link_kind())
    register_network_merging()


# Modules defining background tasks (`<domain>/tasks.py`), imported so that
# the consumer knows every task.
TASK_MODULES = (
    "migratory.core.mail",
    "migratory.accounts.tasks",
    "migratory.accounts.user_mail",
    "migratory.moderation.tasks",
    "migratory.search.tasks",
)


def _init_jobs(app: Flask) -> None:
    import importlib

    from migratory.core.jobs import init_jobs

    init_jobs(app)
    for module in TASK_MODULES:
        importlib.import_module(module)


def _init_maps(app: Flask) -> None:
    from migratory.geo.maps import tiles_from_setting

    tiles = tiles_from_setting(
        app.config["MAP_TILES"], app.config["MAP_TILES_ATTRIBUTION"]
    )
    app.config["MAP_TILES_ORIGIN"] = tiles.origin


def _init_geocoder(app: Flask) -> None:
    from migratory.geo.geocoding import make_geocoder, preload_gazetteer

    app.extensions["geocoder"] = make_geocoder(
        app.config["GEOCODER"], user_agent=app.config["GEOCODER_USER_AGENT"]
    )
    # Radius searches and saves read the gazetteer: build it now, in the
    # background, not during the first request that needs it.
    preload_gazetteer()


def _init_database(app: Flask) -> None:
    """SQLite: a write-ahead log (readers never block a writer) and a busy
    timeout (a writer waits for another's lock) on every connection."""
    from sqlalchemy import event

    from migratory.extensions import db

    with app.app_context():
        engines = [e for e in db.engines.values() if e.dialect.name == "sqlite"]
    busy_ms = int(app.config.get("SQLITE_BUSY_TIMEOUT", 15) * 1000)

    def on_connect(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {busy_ms}")
        cursor.execute("PRAGMA journal_mode = WAL")  # persists in the file
        cursor.close()

    for engine in engines:
        event.listen(engine, "connect", on_connect)


def _bind_extensions(app: Flask) -> None:
    from migratory.core.i18n import select_locale
    from migratory.extensions import (
        api,
        babel,
        bootstrap,
        compress,
        csrf,
        db,
        limiter,
        login_manager,
        mail,
        migrate,
    )

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    bootstrap.init_app(app)
    api.init_app(app)
    compress.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    mail.init_app(app)
    limiter.init_app(app)


def _register_blueprints(app: Flask) -> None:
    from migratory.accounts.views import bp as auth_bp
    from migratory.api.data_sources import blp as data_sources_api_blp
    from migratory.api.links import blp as links_api_blp
    from migratory.api.network import blp as network_api_blp
    from migratory.api.views import blp as api_blp
    from migratory.core.panels import register_panel
    from migratory.core.views import bp as core_bp
    from migratory.core.views import register_error_pages
    from migratory.extensions import api
    from migratory.geo.views import bp as geo_bp
    from migratory.inventory.views import bp as inventory_bp
    from migratory.moderation.editing import bp as editing_bp
    from migratory.moderation.views import bp as secretariat_bp
    from migratory.network.data_source_panels import register_data_source_panels
    from migratory.network.data_source_views import bp as data_sources_bp
    from migratory.network.link_panels import register_link_panels
    from migratory.network.link_views import bp as links_bp
    from migratory.network.views import bp as network_bp
    from migratory.network.views import country_panel

    app.register_blueprint(core_bp)
    app.register_blueprint(inventory_bp)
    app.register_blueprint(geo_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(editing_bp)
    app.register_blueprint(secretariat_bp)
    app.register_blueprint(network_bp)
    register_panel("country", country_panel)
    app.register_blueprint(data_sources_bp)
    register_data_source_panels()
    app.register_blueprint(links_bp)
    register_link_panels()
    api.register_blueprint(api_blp)
    api.register_blueprint(network_api_blp)
    api.register_blueprint(data_sources_api_blp)
    api.register_blueprint(links_api_blp)
    register_error_pages(app)


def _register_cli(app: Flask) -> None:
    from migratory.cli import (
        geo_cli,
        inventory_cli,
        reminders_cli,
        search_cli,
        seed_cli,
        users_cli,
    )
    from migratory.network.cli import network_cli

    app.cli.add_command(seed_cli)
    app.cli.add_command(inventory_cli)
    app.cli.add_command(search_cli)
    app.cli.add_command(geo_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(reminders_cli)
    app.cli.add_command(network_cli)
