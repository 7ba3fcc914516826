"""Permission decorators for staff views."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user

from civic.extensions import login_manager


def role_required(*roles: str):
    """Anonymous → redirect to /login?next=...; logged in without any of ``roles`` → 403.

    With no roles given, any logged-in staff member may enter.
    """

    def decorator(view):
        view.required_roles = roles  # read by the route × role tests

        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if roles and not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


staff_required = role_required()
