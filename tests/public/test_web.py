"""Cross-cutting HTTP behaviour: headers, CSRF, error pages, health check."""

import pytest
from sqlalchemy.exc import OperationalError


def test_security_headers_on_every_response(client):
    for path in ("/", "/login", "/no-such-page", "/healthz"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_session_cookie_flags(client, create_user):
    create_user("ira", "editor", password="correct-horse")
    response = client.post("/login", data={"login": "ira", "password": "correct-horse"})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_secure_cookie_when_configured(app_factory):
    app = app_factory(SESSION_COOKIE_SECURE=True)
    with app.app_context():
        from civic.auth import services
        from civic.extensions import db

        services.create_user("ira", "correct-horse", ["editor"])
        db.session.commit()
    response = app.test_client().post("/login", data={"login": "ira", "password": "correct-horse"})
    assert "Secure" in response.headers["Set-Cookie"]
    assert "Strict-Transport-Security" in response.headers


def test_post_without_csrf_token_is_refused_in_ukrainian(app_factory):
    app = app_factory(WTF_CSRF_ENABLED=True)
    response = app.test_client().post("/login", data={"login": "a", "password": "b"})
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)
    assert "Некоректний запит" in response.get_data(as_text=True)


def test_post_with_csrf_token_passes(app_factory):
    import re

    app = app_factory(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"login": "a", "password": "b", "csrf_token": token})
    assert response.status_code == 401  # reached the password check


@pytest.mark.parametrize(
    ("path", "code", "title"),
    [("/no-such-page", 404, "Сторінку не знайдено"), ("/logout", 405, "Метод не дозволено")],
)
def test_error_pages_in_ukrainian(client, path, code, title):
    response = client.get(path)
    assert response.status_code == code
    assert title in response.get_data(as_text=True)
    assert '<html lang="uk">' in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("path", "method", "allowed"), [("/logout", "GET", "POST"), ("/api/v1/petitions", "PUT", "GET")]
)
def test_405_names_the_allowed_methods(client, path, method, allowed):
    response = client.open(path, method=method)
    assert response.status_code == 405
    assert allowed in {m.strip() for m in response.headers["Allow"].split(",")}
    if path.startswith("/api/"):
        assert response.content_type == "application/json"
        assert response.get_json()["status"] == 405


def test_500_page_in_ukrainian_without_traceback(app_factory):
    app = app_factory(PROPAGATE_EXCEPTIONS=False)

    @app.route("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/boom")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Внутрішня помилка сервера" in body and "secret internals" not in body


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def _unreachable(database_url: str, tmp_path) -> str:
    if database_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path}/missing-dir/none.sqlite"
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"postgresql+psycopg://civic@127.0.0.1:{port}/civic?connect_timeout=2"


def test_healthz_503_when_database_is_unreachable(app_factory, database_url, tmp_path):
    app = app_factory(SQLALCHEMY_DATABASE_URI=_unreachable(database_url, tmp_path))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "error"


def test_database_error_page_is_503(app_factory):
    app = app_factory(PROPAGATE_EXCEPTIONS=False)

    @app.route("/db-down")
    def db_down():
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    response = app.test_client().get("/db-down")
    assert response.status_code == 503
    assert "База даних тимчасово недоступна" in response.get_data(as_text=True)


def test_public_pages_have_skip_link_and_css(client):
    html = client.get("/").get_data(as_text=True)
    assert 'class="skip-link" href="#main"' in html
    css = client.get("/static/css/civic.css")
    assert css.status_code == 200 and b"skip-link" in css.data
    css.close()
