"""Flask-Limiter's ``memory://`` storage under parallel requests of one worker.

Two threads that both find the expiry timer dead used to both replace it, and one started a
timer twice (``RuntimeError: threads can only be started once``, a 500 seen on the signing page
under ``gunicorn --threads 4``). civic serialises the restart (``serialise_memory_expiry``).
"""

import contextlib
import threading

from limits.storage import memory

from civic.extensions import serialise_memory_expiry


class _DeadTimer:
    """The expired timer both threads look at: ``is_alive`` holds the first caller until the
    second arrives (or 0.5 s pass), so without a lock both see it dead at the same moment."""

    def __init__(self) -> None:
        self.meeting = threading.Barrier(2, timeout=0.5)

    def is_alive(self) -> bool:
        # Broken: the other thread is kept out by the lock, nobody to meet.
        with contextlib.suppress(threading.BrokenBarrierError):
            self.meeting.wait()
        return False


def test_two_threads_finding_the_timer_dead_start_one_new_timer(monkeypatch):
    assert serialise_memory_expiry()
    started = []

    class CountingTimer(threading.Timer):
        def start(self) -> None:
            started.append(self)
            super().start()

    monkeypatch.setattr(memory.threading, "Timer", CountingTimer)
    storage = memory.MemoryStorage()
    storage.timer.join()
    started.clear()
    storage.timer = _DeadTimer()
    errors: list[BaseException] = []

    def hit() -> None:
        try:
            storage.incr("sign/198.51.100.0", 60)
        except RuntimeError as exc:
            errors.append(exc)

    threads = [threading.Thread(target=hit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert errors == []
    assert len(started) == 1  # one new timer, started once
    assert storage.get("sign/198.51.100.0") == 2  # both hits counted
    storage.timer.cancel()
