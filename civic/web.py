"""Cross-cutting HTTP behaviour: the request boundary, security headers, Ukrainian error pages,
template globals."""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
from urllib.parse import quote

from flask import (
    Flask,
    Response,
    appcontext_pushed,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask import session as http_session
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from civic.errors import DomainError

log = logging.getLogger(__name__)

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; form-action 'self'; base-uri 'self'; object-src 'none'; "
    "frame-ancestors 'none'"
)

ERROR_TITLES = {
    400: "Некоректний запит",
    403: "Доступ заборонено",
    404: "Сторінку не знайдено",
    405: "Метод не дозволено",
    410: "Сторінку вилучено",
    413: "Файл завеликий",
    429: "Забагато запитів",
    500: "Внутрішня помилка сервера",
    503: "Сервіс тимчасово недоступний",
}

ERROR_TEXTS = {
    400: "Сервер не зміг обробити запит. Перевірте введені дані та спробуйте ще раз.",
    403: "У вас немає прав для перегляду цієї сторінки.",
    404: "Такої сторінки немає. Перевірте адресу або перейдіть на головну.",
    405: "Цей метод запиту для сторінки не підтримується.",
    410: "Цю сторінку вилучено.",
    413: "Файл або запит перевищує дозволений розмір.",
    429: "Забагато спроб за короткий час. Зачекайте кілька хвилин і спробуйте знову.",
    500: "Сталася помилка на сервері. Її зафіксовано; спробуйте пізніше.",
    503: "Сервіс тимчасово недоступний. Спробуйте за кілька хвилин.",
}


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """``attachment; filename="ascii.csv"; filename*=UTF-8''%D0%97.csv`` (RFC 6266 / 5987).

    The header stays ASCII (gunicorn refuses anything else with a 500), old clients get a
    transliteration-free ASCII fallback, and every current browser saves the real Ukrainian
    name from ``filename*``.
    """
    name = filename.replace("\\", "_").replace("/", "_").strip() or "download"
    name = re.sub(r"[\x00-\x1f\x7f]", "", name) or "download"
    suffix = re.search(r"\.[A-Za-z0-9]{1,8}$", name)
    stem = name[: suffix.start()] if suffix else name
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    ascii_stem = re.sub(r"[^A-Za-z0-9._-]+", "_", ascii_stem).strip("._-") or "download"
    ascii_name = ascii_stem + (suffix.group() if suffix else "")
    value = f'{"inline" if inline else "attachment"}; filename="{ascii_name}"'
    if ascii_name != name:
        value += f"; filename*=UTF-8''{quote(name, safe='')}"
    return value


def download(data: bytes, filename: str, mimetype: str, *, inline: bool = False) -> Response:
    """Every file civic hands out goes through here (one Content-Disposition rule)."""
    return Response(
        data,
        mimetype=mimetype,
        headers={"Content-Disposition": content_disposition(filename, inline=inline)},
    )


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def render_error(code: int, message: str | None = None):
    title = ERROR_TITLES.get(code, "Помилка")
    text = message or ERROR_TEXTS.get(code, "")
    if wants_json():
        return jsonify({"error": title, "message": text, "status": code}), code
    try:
        return render_template("errors/error.html", code=code, title=title, message=text), code
    except Exception:  # the template itself may need the database that just failed
        log.exception("error page failed to render")
        body = f"<!doctype html><html lang='uk'><title>{title}</title><h1>{title}</h1><p>{text}</p>"
        return body, code, {"Content-Type": "text/html; charset=utf-8"}


# ---------------------------------------------------------------- the request boundary


def _flashes() -> list:
    return list(http_session.get("_flashes", []))


def _abandon(flashes: list) -> None:
    """Roll back, and take back what the view flashed ("Збережено." did not happen)."""
    from civic.extensions import db

    db.session.rollback()
    if _flashes() != flashes:
        http_session["_flashes"] = flashes


def refusal(error: DomainError, *, redirect_to: str | None = None, view_args=None):
    """What a refused action answers: JSON 422 for the API, else the message (and its
    problems) flashed and a redirect to ``redirect_to`` (an endpoint taking the view's
    arguments), or the 400 page with the message when the view names no page to go back to."""
    if wants_json():
        body = {"error": ERROR_TITLES[400], "message": error.message, "status": 422}
        body.update(field=error.field, problems=error.problems)
        return jsonify(body), 422
    if redirect_to is None:
        return render_error(400, error.message)
    flash(error.message, "error")
    for problem in error.problems:
        flash(problem, "error")
    rule = next(current_app.url_map.iter_rules(redirect_to))
    values = {k: v for k, v in (view_args or {}).items() if k in rule.arguments}
    return redirect(url_for(redirect_to, **values))


def transaction(view=None, *, redirect_to: str | None = None):
    """The request boundary of a view that writes (Indico's ``RH.process`` in one decorator).

    The view only translates HTTP into service calls. On success the boundary commits once;
    mail the services queued goes to the sender after that commit (``civic.mail.sender``
    hands it over on ``after_commit`` and drops it on rollback, so a failed commit sends
    nothing). A :class:`~civic.errors.DomainError` escaping the view rolls back and becomes
    :func:`refusal`; any other exception rolls back and goes on to the 500 page. Either way
    the messages the view flashed before the failure are taken back.
    """

    def decorate(view):
        @functools.wraps(view)
        def boundary(*args, **kwargs):
            from civic.extensions import db

            flashes = _flashes()
            try:
                response = view(*args, **kwargs)
                db.session.commit()
            except DomainError as error:
                _abandon(flashes)
                return refusal(error, redirect_to=redirect_to, view_args=kwargs)
            except BaseException:
                _abandon(flashes)
                raise
            return response

        return boundary

    return decorate(view) if view is not None else decorate


class attempt:
    """Inside a :func:`transaction` view, a block whose refusal re-renders the form::

        with web.attempt(form) as attempt:
            services.save(...)
            return redirect(...)
        return render_template(..., form=form, problems=attempt.problems)

    A ``DomainError`` raised in the block rolls back what it wrote; its message goes under
    the form field it names (or ``field``), else into a flash (unless ``quiet``), and the view
    goes on. ``catch`` adds other refusals (a ``TabularError`` the view shows whole).
    """

    def __init__(
        self, form=None, *, field: str | None = None, quiet: bool = False, catch: tuple = ()
    ) -> None:
        self.form, self.field, self.quiet = form, field, quiet
        self.catch = (DomainError, *catch)
        self.error: Exception | None = None
        self.problems: list[str] = []

    def __enter__(self) -> attempt:
        return self

    def __exit__(self, kind, error, _traceback) -> bool:
        if not isinstance(error, self.catch):
            return False
        from civic.extensions import db

        db.session.rollback()
        self.error = error
        self.problems = list(getattr(error, "problems", ()))
        message = getattr(error, "message", None) or str(error)
        target = getattr(self.form, getattr(error, "field", None) or self.field or "", None)
        if target is not None and hasattr(target, "errors"):
            target.errors = [*target.errors, message]
        elif not self.quiet:  # the view shows ``attempt.error`` itself
            flash(message, "error")
        return True


def saved(message: str, endpoint: str, **values):
    """How a view that saved ends: ``message`` flashed as a success, a redirect to ``endpoint``."""
    flash(message, "success")
    return redirect(url_for(endpoint, **values))


def valid(form, refusal: type[DomainError] = DomainError):
    """The posted ``form`` if it validates; else ``refusal`` with the form's messages joined by
    «; » (inside a :func:`transaction`, flashed on the page the view redirects to)."""
    if not form.validate():
        raise refusal("; ".join(e for errors in form.errors.values() for e in errors))
    return form


def form_page(form, save, *, saved_message: str, then: str, template_name: str, field=None, **page):
    """A page with one form: when the posted ``form`` validates, ``save(form)`` runs inside
    :class:`attempt` (a refusal goes under ``field`` or the field it names), ``saved_message`` is
    flashed and the browser goes to the endpoint ``then``; otherwise ``template_name`` shows ``form``
    with ``page``."""
    if form.validate_on_submit():
        with attempt(form, field=field):
            save(form)
            return saved(saved_message, then)
    return render_template(template_name, form=form, **page)


def checkpoint() -> None:
    """Commit in the middle of a request — only where other requests must see a write before
    this one goes on (the count of login attempts before the slow password check)."""
    from civic.extensions import db

    db.session.commit()


def _with_error_headers(response, error: HTTPException):
    """Keep the headers the exception carries (``Allow`` on 405, ``Retry-After`` on 429...)."""
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def refuse_control_characters():
    """Before any view: a path with a control character names no page (404); a query-string
    parameter with one is refused with its name (400), before it reaches a database query."""
    from civic.forms import bad_character, parameter_message

    if bad_character(request.path):
        return render_error(404)
    for name, value in request.args.items(multi=True):
        found = bad_character(name) or bad_character(value)
        if found:
            return render_error(400, parameter_message(name, *found))
    return None


def _install_upload_limits(sender: Flask, **_) -> None:
    """Each request and CLI command reads uploads under the app's ``UPLOAD_XLSX_*`` limits."""
    from civic.archives import XlsxLimits
    from civic.tabular import XLSX_LIMITS

    XLSX_LIMITS.set(XlsxLimits.from_settings(sender.config))


def http_href(value: object) -> str:
    """Jinja filter, the last line of defence: a stored link as an ``href`` only if it is
    http(s); anything else (``javascript:``, ``data:``...) becomes "" and is not linked."""
    from civic.urls import http_url

    return http_url(value) or ""


def init_app(app: Flask) -> None:
    appcontext_pushed.connect(_install_upload_limits, app)
    app.add_template_filter(http_href, "http_href")
    app.before_request(refuse_control_characters)

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        if current_app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        return response

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(
            400,
            "Форма застаріла або надіслана не з цього сайту (CSRF). "
            "Оновіть сторінку та надішліть форму ще раз.",
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        code = error.code or 500
        if code == 410 and error.description and error.description != ERROR_TEXTS.get(410):
            response = render_error(code, error.description)
        elif code in (403, 404, 400) and getattr(error, "ukrainian", None):
            response = render_error(code, error.ukrainian)
        else:
            response = render_error(code)
        return _with_error_headers(current_app.make_response(response), error)

    @app.errorhandler(Exception)
    def unhandled(error: Exception):
        if isinstance(error, HTTPException):
            return http_error(error)
        if current_app.testing and current_app.config.get("PROPAGATE_EXCEPTIONS") is not False:
            raise error
        log.exception("unhandled error on %s", request.path)
        from sqlalchemy.exc import OperationalError

        from civic.extensions import db

        db.session.rollback()
        if isinstance(error, OperationalError):
            return render_error(503, "База даних тимчасово недоступна. Спробуйте за кілька хвилин.")
        return render_error(500)

    @app.context_processor
    def council():
        cfg = current_app.config
        return {
            "council_name": cfg["COUNCIL_NAME"],
            "department_name": cfg["DEPARTMENT_NAME"],
        }
