"""Sign-in, registration, e-mail verification, password reset, invitations, /me."""

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from migratory.accounts import invitations, preferences, services, sessions, signin
from migratory.accounts.anonymous import AnonymousVisitor
from migratory.accounts.forms import (
    AcceptInvitationForm,
    ActionForm,
    ForgotForm,
    JoinForm,
    LoginForm,
    ProfileForm,
    RegisterForm,
    ResetForm,
)
from migratory.accounts.models import role_label
from migratory.accounts.network_roles import network_role_label
from migratory.core.errors import DomainError, TooManyAttempts
from migratory.core.i18n import chosen_language
from migratory.extensions import limiter, login_manager

bp = Blueprint("auth", __name__)


@bp.app_template_global("role_label")
def role_label_global(role: str | None) -> str:
    """The translated name of a role, for the secretariat's tables."""
    return role_label(role)


@bp.app_template_global("network_role_label")
def network_role_label_global(role: str | None) -> str:
    """The translated name of a focal point's network role."""
    return network_role_label(role)


@bp.after_app_request
def keep_user_language(response):
    """A signed-in user who switches the site's language gets mail in it."""
    chosen = chosen_language()
    if chosen and current_user.is_authenticated:
        preferences.remember_language(current_user, chosen)
    return response


# Visitors who have not signed in answer permission checks and templates
# like a user without a role.
login_manager.anonymous_user = AnonymousVisitor


@login_manager.user_loader
def load_user(session_id: str):
    """The signed-in user of a session, unless it was signed out or ended."""
    return sessions.load_session_user(session_id)


def _client_address() -> str:
    return request.remote_addr or "unknown"


def _log_in_browser(user, remember: bool = False) -> None:
    """Bind the signed-in user to this browser, with a fresh CSRF token: a
    token seen before signing in (by a shared computer's previous user, say)
    is worthless afterwards."""
    login_user(user, remember=remember)
    session.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)
    g.pop("csrf_token", None)


def _safe_next(target: str | None) -> str:
    """A local path to go to after signing in; never another site.

    Browsers read a backslash as a slash, so "/\\evil.example" would be
    "//evil.example", another host: such targets, and control characters, are
    refused.
    """
    target = target or ""
    parts = urlsplit(target)
    local = (
        target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and not any(ord(c) < 32 or ord(c) == 127 for c in target)
        and not parts.scheme
        and not parts.netloc
    )
    return target if local else url_for("auth.profile")


def _form_error(form, error: DomainError) -> None:
    for field, messages in error.errors.items():
        if field in form:
            form[field].errors = list(form[field].errors) + list(messages)
    if not error.errors:
        flash(error.message, "danger")


@bp.route("/auth/login", methods=["GET", "POST"])
def login():
    """Sign in by e-mail and password (failures are counted and slowed down)."""
    form = LoginForm()
    if form.validate_on_submit():
        remember = bool(form.remember.data)
        try:
            user = signin.sign_in(
                form.email.data, form.password.data, _client_address(), remember
            )
        except TooManyAttempts as error:
            flash(error.message, "danger")
            page = render_template("accounts/login.html", form=form)
            return page, 429, {"Retry-After": str(error.retry_after)}
        except DomainError as error:
            flash(error.message, "danger")
            return render_template("accounts/login.html", form=form), 401
        _log_in_browser(user, remember)
        return redirect(_safe_next(request.args.get("next")))
    status = 400 if form.errors else 200
    return render_template("accounts/login.html", form=form), status


@bp.post("/auth/logout")
@login_required
def logout():
    """Sign out of this browser: its cookies, even copied, open nothing more."""
    if ActionForm().validate_on_submit():
        signin.sign_out(current_user._get_current_object())
        logout_user()
        flash(_("You are signed out."), "info")
    return redirect(url_for("inventory.home"))


@bp.route("/auth/register", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["MAIL_REQUEST_LIMIT"], methods=["POST"])
def register():
    """A researcher or practitioner registers as a member."""
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            services.register_member(
                form.email.data, form.name.data, form.password.data
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            return render_template(
                "accounts/message.html",
                title=_("Check your mailbox"),
                message=_(
                    "We sent a link to confirm your address. "
                    "Open it within 3 days, then sign in."
                ),
            )
    status = 400 if form.errors or request.method == "POST" else 200
    return render_template("accounts/register.html", form=form), status


@bp.route("/auth/verify/<token>", methods=["GET", "POST"])
def verify(token: str):
    """Confirm an e-mail address from the link we sent, with a button: opening
    the link (as mail scanners do) confirms nothing."""
    user = services.verification_user(token)
    form = ActionForm()
    if form.validate_on_submit():
        services.verify_email(token)
        flash(_("Your address is confirmed. You can sign in."), "success")
        return redirect(url_for("auth.login"))
    return render_template("accounts/verify.html", form=form, email=user.email)


@bp.route("/auth/forgot", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["MAIL_REQUEST_LIMIT"], methods=["POST"])
def forgot():
    """Ask for a password reset link (the answer never says who is registered)."""
    form = ForgotForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        return render_template(
            "accounts/message.html",
            title=_("Check your mailbox"),
            message=_(
                "If this address is registered, a link to reset the password "
                "is on its way. It works for 2 hours."
            ),
        )
    return render_template("accounts/forgot.html", form=form)


@bp.route("/auth/reset/<token>", methods=["GET", "POST"])
def reset(token: str):
    """Choose a new password from a reset link."""
    services.user_for_reset(token)  # refuse bad links before showing the form
    form = ResetForm()
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.password.data)
        except DomainError as error:
            _form_error(form, error)
        else:
            flash(_("Your password is changed. Sign in with it."), "success")
            return redirect(url_for("auth.login"))
    return render_template("accounts/reset.html", form=form)


@bp.route("/auth/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    """Join as focal point or secretariat from an invitation link."""
    invitation = invitations.invitation_for(token)
    existing = invitations.existing_account(invitation)
    if existing is not None and current_user.id != existing.id:
        # The link alone never opens an existing account.
        return render_template(
            "accounts/invitation.html",
            invitation=invitation,
            existing=existing,
            sign_in=url_for("auth.login", next=request.path),
        )
    form = JoinForm(obj=existing) if existing else AcceptInvitationForm()
    if form.validate_on_submit():
        password = None if existing else form.password.data or None
        try:
            user = invitations.accept_invitation(
                token, form.name.data, password, current_user
            )
        except DomainError as error:
            _form_error(form, error)
        else:
            if existing is None:
                logout_user()
                signin.open_session(user, _client_address())
                _log_in_browser(user)
            flash(_("Welcome. Your role is now active."), "success")
            return redirect(url_for("auth.profile"))
    return render_template(
        "accounts/invitation.html", form=form, invitation=invitation, existing=existing
    )


@bp.route("/me", methods=["GET", "POST"])
@login_required
def profile():
    """The signed-in user's profile, role and institutions."""
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        preferences.update_profile(
            current_user, form.name.data, form.language.data, form.position.data
        )
        flash(_("Saved."), "success")
        return redirect(url_for("auth.profile"))
    return render_template(
        "accounts/profile.html",
        form=form,
        action_form=ActionForm(),
        open_sign_ins=sessions.count_open_sessions(current_user),
    )


@bp.post("/me/logout-everywhere")
@login_required
def logout_everywhere():
    """End every session of the signed-in user, on every device."""
    if ActionForm().validate_on_submit():
        services.log_out_everywhere(current_user)
        logout_user()
        flash(_("You are signed out on every device."), "info")
    return redirect(url_for("auth.login"))
