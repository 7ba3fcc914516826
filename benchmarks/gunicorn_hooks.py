"""Gunicorn server hooks for ``benchmarks.load``: server CPU per request type, and a profile.

``gunicorn -c benchmarks/gunicorn_hooks.py``: each worker adds up the CPU time of the thread
that served each request (``time.thread_time`` from ``pre_request`` to ``post_request``, i.e.
the WSGI call and writing the response) under the step name the load generator sends in the
``X-Load-Step`` header, and writes the totals to ``$CIVIC_LOAD_CPU_DIR/<pid>.json`` when it
exits. CPU a worker spends outside requests (the mail sender's thread, gunicorn's own loop) is
what the whole-process figure has on top. With ``CIVIC_LOAD_PROFILE`` set to step names
(comma-separated) the requests of those steps also run under cProfile, timed in thread CPU
(waiting for a lock or for the GIL is not counted), one profiler per thread, and the worker
dumps ``<pid>-<n>.pstats`` there.
"""

from __future__ import annotations

import cProfile
import json
import os
import threading
import time
from collections import defaultdict
from pathlib import Path

_local = threading.local()
_lock = threading.Lock()
_totals: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])
_profiles: list[cProfile.Profile] = []


def _step(req) -> str:
    for name, value in req.headers:
        if name == "X-LOAD-STEP":
            return value
    return f"{req.method} (unnamed)"


PROFILED = frozenset(filter(None, os.environ.get("CIVIC_LOAD_PROFILE", "").split(",")))


def pre_request(worker, req) -> None:
    _local.profiling = _step(req) in PROFILED
    if _local.profiling:
        profile = getattr(_local, "profile", None)
        if profile is None:
            profile = _local.profile = cProfile.Profile(time.thread_time)
            with _lock:
                _profiles.append(profile)
        profile.enable()
    _local.started = time.thread_time()


def post_request(worker, req, environ, resp) -> None:
    spent = time.thread_time() - getattr(_local, "started", time.thread_time())
    if getattr(_local, "profiling", False):
        _local.profile.disable()
    with _lock:
        total = _totals[_step(req)]
        total[0] += 1
        total[1] += spent


def worker_exit(server, worker) -> None:
    folder = os.environ.get("CIVIC_LOAD_CPU_DIR")
    if not folder:
        return
    pid = os.getpid()
    with _lock:
        data = {step: {"requests": n, "cpu_s": cpu} for step, (n, cpu) in _totals.items()}
        for n, profile in enumerate(_profiles):
            profile.dump_stats(str(Path(folder) / f"{pid}-{n}.pstats"))
    (Path(folder) / f"{pid}.json").write_text(json.dumps(data))
