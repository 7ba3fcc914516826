"""civic.personal_data: keyed hashes, masks and retention dates (pure)."""

import datetime as dt
import gc
import hashlib
import hmac

import pytest
from hypothesis import given
from hypothesis import strategies as st

from civic import personal_data
from civic.gc_pause import gc_paused

KEY = "instance-secret"


def test_keyed_hash_is_hmac_sha256_of_the_value():
    # RFC 4231 test case 2: HMAC-SHA-256("Jefe", "what do ya want for nothing?")
    assert personal_data.keyed_hash("Jefe", "what do ya want for nothing?") == (
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    )


def test_a_purpose_separates_hashes_of_one_value():
    plain = personal_data.keyed_hash(KEY, "42")
    pabulib = personal_data.keyed_hash(KEY, "42", purpose="pabulib")
    assert plain != pabulib
    assert pabulib == hmac.new(KEY.encode(), b"pabulib:42", hashlib.sha256).hexdigest()


@given(st.lists(st.text()), st.sampled_from([KEY, KEY.encode(), "Jefe"]))
def test_keyed_hashes_are_each_values_keyed_hash_and_none_for_an_empty_one(values, key):
    assert personal_data.keyed_hashes(key, values) == [
        personal_data.keyed_hash(key, v) if v else None for v in values
    ]


@given(st.text(min_size=1), st.text(min_size=1))
def test_another_key_gives_another_hash(value, other_key):
    digest = personal_data.keyed_hash(KEY, value)
    assert len(digest) == 64 and int(digest, 16) >= 0
    if other_key != KEY:
        assert personal_data.keyed_hash(other_key, value) != digest
    assert personal_data.keyed_hash(KEY.encode(), value) == digest


@pytest.mark.parametrize(
    ("digest", "shown"), [("a1b2c3d4e5f6a7", "••••a1b2c3"), (None, "—"), ("", "—")]
)
def test_mask(digest, shown):
    assert personal_data.mask(digest) == shown


@pytest.mark.parametrize(
    ("config", "setting", "days"),
    [
        ({}, None, 90),
        ({"RETENTION_DAYS": 30}, None, 30),
        ({"RETENTION_DAYS": 30, "PB_RETENTION_DAYS": 7}, "PB_RETENTION_DAYS", 7),
        ({"RETENTION_DAYS": 30, "PB_RETENTION_DAYS": None}, "PB_RETENTION_DAYS", 30),
        ({"PETITION_RETENTION_DAYS": "14"}, "PETITION_RETENTION_DAYS", 14),
    ],
)
def test_retention_days(config, setting, days):
    assert personal_data.retention_days(config, setting) == days


@pytest.mark.parametrize(
    ("today", "days", "cutoff"),
    [
        (dt.date(2026, 3, 1), 90, dt.date(2025, 12, 1)),
        (dt.date(2024, 3, 1), 1, dt.date(2024, 2, 29)),
        (dt.date(2026, 12, 3), 0, dt.date(2026, 12, 3)),
    ],
)
def test_retention_cutoff(today, days, cutoff):
    assert personal_data.retention_cutoff(today, days) == cutoff


@pytest.mark.parametrize("enabled", [True, False])
def test_gc_paused_restores_the_collector_as_found(enabled):
    (gc.enable if enabled else gc.disable)()
    try:
        with pytest.raises(ZeroDivisionError), gc_paused():
            assert not gc.isenabled()
            1 / 0  # noqa: B018
        assert gc.isenabled() is enabled
    finally:
        gc.enable()
