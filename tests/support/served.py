"""The app as it is deployed: ``gunicorn -w 2 --threads 4`` on loopback, for hostile tests.

``Gunicorn(database_url, instance)`` starts the documented server against a migrated database
(the ``database_url`` fixture's), waits for ``/healthz`` and stops it again. ``Browser`` is one
citizen with a cookie jar who reads CSRF tokens from the forms it was served. ``at_once(n, fn)``
runs ``fn(i)`` in ``n`` threads released together by a barrier (with a timeout, so a broken
server fails the test instead of hanging it). Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import http.cookiejar
import io
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

INPUT = re.compile(r"<input\b[^>]*>")
VALUE = re.compile(r'\bvalue="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Gunicorn:
    """``gunicorn -w WORKERS --threads THREADS 'civic:create_app()'`` on a free loopback port."""

    def __init__(
        self,
        database_url: str,
        instance: Path,
        *,
        workers: int = 2,
        threads: int = 4,
        settings: dict[str, str] | None = None,
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.instance = Path(instance)
        self.instance.mkdir(parents=True, exist_ok=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith("CIVIC_")}
        env.update(
            {
                "CIVIC_DATABASE_URL": database_url,
                "CIVIC_INSTANCE_PATH": str(self.instance),
                "CIVIC_SECRET_KEY": "served-test-secret",
                "CIVIC_PERSONAL_DATA_KEY": "served-test-personal-data-key",
                "CIVIC_PUBLIC_BASE_URL": self.url,
                "CIVIC_MAIL_DELIVERY": "queue",
                **(settings or {}),
            }
        )
        self.log = self.instance / "gunicorn.log"
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "-w",
            str(workers),
            "--threads",
            str(threads),
            "-b",
            f"127.0.0.1:{self.port}",
            "--timeout",
            "120",
            "civic:create_app()",
        ]
        self._log_handle = open(self.log, "wb")  # noqa: SIM115 (closed in stop())
        self.process = subprocess.Popen(
            command, env=env, stdout=self._log_handle, stderr=subprocess.STDOUT
        )
        self._wait_up()

    def _wait_up(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"gunicorn exited: {self.log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=5) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise AssertionError(f"gunicorn did not answer /healthz: {self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._log_handle.close()

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def __enter__(self) -> Gunicorn:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


class Response:
    def __init__(self, status: int, headers, body: bytes, url: str) -> None:
        self.status = status
        self.headers = headers
        self.body = body
        self.url = url

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def csrf(self) -> str:
        """The first form's CSRF token, whatever the order of the input's attributes."""
        for tag in INPUT.findall(self.text):
            value = VALUE.search(tag)
            if 'name="csrf_token"' in tag and value:
                return value.group(1)
        raise AssertionError(f"no CSRF token in {self.url}: {self.text[:500]}")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One visitor: its own cookies, no redirects followed unless asked."""

    def __init__(self, base_url: str, *, forwarded_for: str | None = None) -> None:
        self.base_url = base_url
        self.jar = http.cookiejar.CookieJar()
        self.forwarded_for = forwarded_for
        self._opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect
        )

    def request(
        self, method: str, path: str, data: dict | None = None, *, headers: dict | None = None
    ) -> Response:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base_url + path, data=body, method=method)
        if body is not None:
            request.add_header("Content-Type", "application/x-www-form-urlencoded")
        if self.forwarded_for:
            request.add_header("X-Forwarded-For", self.forwarded_for)
        for key, value in (headers or {}).items():
            request.add_header(key, value)
        try:
            with self._opener.open(request, timeout=60) as response:
                return Response(response.status, response.headers, response.read(), path)
        except urllib.error.HTTPError as error:
            return Response(error.code, error.headers, error.read(), path)

    def get(self, path: str, **kwargs) -> Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, data: dict, **kwargs) -> Response:
        return self.request("POST", path, data, **kwargs)

    def upload(
        self,
        path: str,
        filename: str,
        content: bytes,
        fields: dict | None = None,
        *,
        token: str | None = None,
    ) -> Response:
        """POST ``content`` as the form's ``file`` (multipart), with ``token`` or the CSRF token
        of the form page fetched first."""
        from werkzeug.datastructures import FileStorage
        from werkzeug.test import encode_multipart

        token = token or self.get(path).csrf()
        upload = FileStorage(io.BytesIO(content), filename, content_type="application/octet-stream")
        boundary, body = encode_multipart({"csrf_token": token, **(fields or {}), "file": upload})
        request = urllib.request.Request(self.base_url + path, data=body, method="POST")
        request.add_header("Content-Type", f'multipart/form-data; boundary="{boundary}"')
        try:
            with self._opener.open(request, timeout=60) as response:
                return Response(response.status, response.headers, response.read(), path)
        except urllib.error.HTTPError as error:
            return Response(error.code, error.headers, error.read(), path)

    def submit(self, path: str, data: dict, *, form_path: str | None = None) -> Response:
        """GET the page with the form (for its CSRF token), then POST ``data`` to ``path``."""
        token = self.get(form_path or path).csrf()
        return self.post(path, {"csrf_token": token, **data})

    def log_in(self, login: str, password: str) -> Browser:
        """Sign in through the login form; fails the test unless it redirects (a success)."""
        response = self.submit("/login", {"login": login, "password": password})
        assert response.status == 302, response.text[:500]
        return self


def at_once(n: int, fn: Callable[[int], object], *, timeout: float = 90.0) -> list[object]:
    """Run ``fn(0..n-1)`` in ``n`` threads released together; exceptions are returned as values."""
    barrier = threading.Barrier(n, timeout=timeout)
    results: list[object] = [None] * n

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = fn(i)
        except BaseException as exc:  # noqa: BLE001 (the test looks at every outcome)
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
        assert not thread.is_alive(), "a parallel request did not finish in time"
    return results
