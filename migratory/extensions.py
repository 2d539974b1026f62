"""Flask extensions, created unbound and bound in create_app()."""

from flask_babel import Babel
from flask_bootstrap import Bootstrap5
from flask_compress import Compress
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mail import Mail
from flask_migrate import Migrate
from flask_smorest import Api
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from migratory.core.jobs import huey  # noqa: F401 (the job queue)
from migratory.core.models import Base
from migratory.core.ratelimit import SharedLimiter

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
csrf = CSRFProtect()
babel = Babel()
bootstrap = Bootstrap5()
api = Api()
compress = Compress()
login_manager = LoginManager()
mail = Mail()
# Counts shared by every process: RATELIMIT_STORAGE_URI, else Redis at
# REDIS_URL, else the application database (migratory.core.ratelimit).
limiter = SharedLimiter(key_func=get_remote_address)
