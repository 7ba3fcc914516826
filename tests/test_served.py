"""The documented deployment (gunicorn -w 2 --threads 4) serves the app on both databases."""

from tests.support.served import Browser, Gunicorn, at_once


def test_gunicorn_serves_public_pages_and_forms_carry_csrf(database_url, tmp_path):
    with Gunicorn(database_url, tmp_path / "instance") as server:
        visitor = Browser(server.url)
        assert visitor.get("/healthz").status == 200
        page = visitor.get("/login")
        assert page.status == 200 and page.csrf()
        statuses = at_once(20, lambda i: Browser(server.url).get("/petitions").status)
        assert statuses == [200] * 20
