from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user

from civic import web
from civic.audit.services import record_event
from civic.auth import services
from civic.auth.forms import LoginForm, UserForm
from civic.auth.models import User
from civic.auth.permissions import role_required, staff_required
from civic.auth.roles import ADMIN, ROLES
from civic.extensions import db, limiter, login_manager
from civic.urls import local_path

bp = Blueprint("auth", __name__)

login_manager.login_view = "auth.login"
login_manager.login_message = "Увійдіть, щоб відкрити цю сторінку."
login_manager.login_message_category = "info"


@login_manager.user_loader
def load_user(session_token: str) -> User | None:
    """The cookie names a server-side session (``User.get_id``), checked on every request."""
    return services.load_session_user(session_token)


def _safe_next(target: str | None) -> str:
    """Only same-site relative paths may be a redirect target after login."""
    return local_path(target, url_for("auth.staff_home"))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
@web.transaction
def login():
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        # Count the attempt and commit before the slow password check, so that parallel
        # requests see each other's count (see services.begin_login).
        attempt = services.begin_login(form.login.data)
        web.checkpoint()
        result = services.finish_login(attempt, form.password.data)
        if result.user is not None:
            services.start_session(result.user)
            login_user(result.user)
            return redirect(_safe_next(request.args.get("next")))
        error = result.error
    status = 200 if error is None else 401
    return render_template("auth/login.html", form=form, error=error), status


@bp.route("/logout", methods=["POST"])
@staff_required
@web.transaction
def logout():
    record_event("auth.logout", object_type="user", object_id=current_user.id)
    services.end_session(current_user.session_token)
    logout_user()
    flash("Ви вийшли з системи.", "info")
    return redirect(url_for("public.index"))


@bp.route("/staff/")
@staff_required
def staff_home():
    return render_template("auth/staff_home.html", roles=ROLES)


@bp.route("/staff/users")
@role_required(ADMIN)
def users():
    return render_template("auth/users.html", users=services.list_users(), roles=ROLES)


@bp.route("/staff/users/new", methods=["GET", "POST"], endpoint="user_create")
@bp.route("/staff/users/<int:user_id>", methods=["GET", "POST"])
@role_required(ADMIN)
@web.transaction
def user_edit(user_id: int | None = None):
    user = db.get_or_404(User, user_id) if user_id else None
    form = UserForm(obj=user)
    if form.validate_on_submit():
        with web.attempt(form):
            return web.saved(_save_account(user, form), "auth.users")
    return render_template("auth/user_form.html", form=form, user=user)


def _save_account(user: User | None, form: UserForm) -> str:
    """Create the account (``user`` None) or change it; the message that says which."""
    if user is None:
        if not form.password.data:
            raise services.AccountError("Для нового користувача потрібен пароль.", field="password")
        user = services.create_user(
            form.login.data,
            form.password.data,
            form.roles.data,
            full_name=form.full_name.data or "",
            gender=form.gender.data or "",
            actor=current_user,
        )
        if not form.is_active.data:
            services.update_user(user, is_active=False, actor=current_user)
        return f"Користувача «{user.login}» створено."
    own_password = user.id == current_user.id and bool(form.password.data)
    services.update_user(user, **form.account(), actor=current_user)
    if own_password:
        # Every other session of this admin ends; this one goes on under a new id.
        services.start_session(user)
        login_user(user)
    return f"Зміни для «{user.login}» збережено."
