"""The count by groups of identical ballots: its reads and writes (see ``docs/performance.md``).

Every ballot is stored with its frozen checks (``frozen_reason``) and its normalised code list
(``codes_key``), and every edition with the digest of its ballots' fixed columns
(``ballots_digest``, :mod:`civic.pb.digest`).  A count then

1. reads one row per group of identical (frozen check, codes, channel, stored verdict) with
   SQL ``GROUP BY`` (an index covers it);
2. judges each distinct code list once against the current projects;
3. resolves duplicates only among the rows whose voter repeats;
4. writes only the verdicts that changed, a group at a time;
5. keeps what it found (:class:`civic.pb.models.CountState`: the counters and the digest's
   ballot section) for the next count, which reads that one row instead of the ballots while
   the ballots' digest and the judging rules are the same (:func:`stored_tally`); an import
   ends by counting this way (``civic.pb.services.prepare_count``), so the first count after a
   big import reads a row, not a million;

so a million ballots cost a few thousand Python steps.  Rows stored before these columns
existed (``None``) are judged and filled in first; ``civic.pb.counting.count`` over every
ballot is the plain recount it must agree with (``tests/pb/test_fast_count.py``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import zlib
from collections import Counter
from collections.abc import Sequence

from civic.extensions import db
from civic.pb import ballots as judging
from civic.pb import counting, digest
from civic.pb.edition import EditionConfig
from civic.pb.models import Ballot, CountState, Edition

CHUNK = 5000
PASSED = ""  # frozen_reason of a ballot whose frozen checks pass


def frozen_columns(frozen: judging.FrozenChecks, has_name, birth, voter, cast, settlement, codes):
    """(frozen_reason, codes_key) to store with a new ballot (every path that adds one)."""
    check = frozen(has_name, birth, voter, cast, settlement) or PASSED
    return check, judging.stored_codes_key(judging.codes_key(codes))


def codes_verdict(rules: judging.VotingRules):
    """The verdict a count gives a stored code list once the ballot's frozen checks pass (as
    :class:`GroupedTally` judges it, from the list's key): a function of the stored codes."""
    choose = judging.choice_judge(rules)

    def verdict(codes: str) -> str | None:
        return choose(tuple(c for c in judging.codes_key(codes).split(",") if c))[0]

    return verdict


def frozen_checks(config: EditionConfig) -> judging.FrozenChecks:
    return judging.FrozenChecks(counting.voting_rules(config, ()))


def _cursor(name: str):
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        # A server-side cursor: libpq would otherwise hold the whole result in memory too.
        return connection, connection.connection.cursor(name=name)
    return connection, connection.connection.cursor()


def _date(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def fill_checks(edition: Edition, config: EditionConfig) -> None:
    """Judge the frozen checks of rows stored without them (before migration 0015)."""
    table = Ballot.__table__
    rows = db.session.execute(
        table.select()
        .with_only_columns(
            table.c.id,
            table.c.has_name,
            table.c.birth_date,
            table.c.voter_hash,
            table.c.cast_on,
            table.c.settlement,
            table.c.projects,
        )
        .where(
            table.c.edition_id == edition.id,
            (table.c.frozen_reason.is_(None)) | (table.c.codes_key.is_(None)),
        )
    ).all()
    if not rows:
        return
    frozen = frozen_checks(config)
    updates = []
    for row_id, has_name, birth, voter, cast, settlement, codes in rows:
        check, key = frozen_columns(frozen, has_name, birth, voter, cast, settlement, codes)
        updates.append({"b_id": row_id, "b_frozen": check, "b_key": key})
    statement = (
        table.update()
        .where(table.c.id == db.bindparam("b_id"))
        .values(frozen_reason=db.bindparam("b_frozen"), codes_key=db.bindparam("b_key"))
    )
    for start in range(0, len(updates), CHUNK):
        db.session.execute(statement, updates[start : start + CHUNK])


def store_ballots_digest(edition: Edition) -> str:
    """Compute and store the digest of the edition's ballots' fixed columns (all its rows,
    read in code point order of the ballot id)."""
    connection, cursor = _cursor("pb_ballots_digest")
    collate = ' COLLATE "C"' if connection.dialect.name == "postgresql" else ""
    cursor.execute(
        "SELECT ballot_id, cast_on, channel, frozen_reason, projects, voter_hash "
        f"FROM pb_ballots WHERE edition_id = {int(edition.id)} ORDER BY ballot_id{collate}"
    )
    # Column by column per chunk (zip(*rows), map): no tuple per ballot is kept, and the
    # rows come in code point order already.
    columns: dict[str, list] = {name: [] for name in digest.BALLOT_COLUMNS}
    casts: dict = {None: None}
    codes_of: dict = {}
    shared: dict = {}  # the two channels, one string each
    try:
        for chunk in iter(lambda: cursor.fetchmany(50_000), []):
            ids, days, channels, checks, codes, voters = zip(*chunk, strict=True)
            for day in set(days).difference(casts):
                casts[day] = _date(day).isoformat()
            for text in set(codes).difference(codes_of):
                codes_of[text] = ",".join(c for c in (text or "").split(",") if c)
            columns["ballot_id"].extend(ids)
            columns["cast_on"].extend(map(casts.__getitem__, days))
            columns["channel"].extend(map(shared.setdefault, channels, channels))
            columns["check"].extend(check or None for check in checks)
            columns["codes"].extend(map(codes_of.__getitem__, codes))
            columns["voter"].extend(voters)
    finally:
        cursor.close()
    value = digest.columns_digest(columns)
    edition.ballots_digest = value
    return value


#: PostgreSQL's memory for the count's two aggregates (its default, 4 MB, sends the repeat
#: voters' ``GROUP BY`` over a million voter hashes to temporary files on disk).
COUNT_WORK_MEM = "64MB"


def _aggregate_in_memory() -> None:
    """On PostgreSQL, give the rest of this transaction :data:`COUNT_WORK_MEM` for sorts and
    hashes (``SET LOCAL``: the setting ends with the transaction)."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SET LOCAL work_mem = '{COUNT_WORK_MEM}'")


def read_groups(edition: Edition) -> list[tuple]:
    """(frozen_reason, codes_key, channel, reason, ballots) per group of identical ballots."""
    connection = db.session.connection().connection
    cursor = connection.cursor()
    try:
        cursor.execute(
            "SELECT frozen_reason, codes_key, channel, reason, COUNT(*) FROM pb_ballots "
            f"WHERE edition_id = {int(edition.id)} "
            "GROUP BY frozen_reason, codes_key, channel, reason"
        )
        return cursor.fetchall()
    finally:
        cursor.close()


def read_repeated(edition: Edition) -> list[tuple]:
    """The rows of every voter with more than one ballot (the only ones the duplicate rule
    can touch): (id, ballot_id, channel, cast_on, voter_hash, frozen_reason, codes_key,
    reason)."""
    connection = db.session.connection()
    cursor = connection.connection.cursor()
    edition_id = int(edition.id)
    columns = "id, ballot_id, channel, cast_on, voter_hash, frozen_reason, codes_key, reason"
    repeated = (
        f"SELECT voter_hash FROM pb_ballots WHERE edition_id = {edition_id} "
        "AND voter_hash IS NOT NULL GROUP BY voter_hash HAVING COUNT(*) > 1"
    )
    try:
        if connection.dialect.name != "postgresql":
            # SQLite evaluates an uncorrelated IN (SELECT …) once, into a temporary index.
            cursor.execute(
                f"SELECT {columns} FROM pb_ballots WHERE edition_id = {edition_id} "
                f"AND voter_hash IN ({repeated})"
            )
            return cursor.fetchall()
        # PostgreSQL: the voters first, then their rows by the voter index — two plans with
        # no join, so that no estimate (inside an import's transaction the table's statistics
        # are those of before) can make it run the aggregate once per ballot.
        cursor.execute(repeated)
        voters = [voter for (voter,) in cursor.fetchall()]
        if not voters:
            return []
        cursor.execute(
            f"SELECT {columns} FROM pb_ballots WHERE edition_id = {edition_id} "
            "AND voter_hash = ANY(%s)",
            (voters,),
        )
        return cursor.fetchall()
    finally:
        cursor.close()


def long_keys(edition: Edition) -> dict[str, str]:
    """The full code list of every stored key that is a hash (:data:`judging.LONG_KEY`)."""
    table = Ballot.__table__
    rows = db.session.execute(
        table.select()
        .with_only_columns(table.c.codes_key, table.c.projects)
        .where(table.c.edition_id == edition.id, table.c.codes_key.like(",%"))
    ).all()
    return {stored: judging.codes_key(codes) for stored, codes in rows}


class GroupedTally:
    """A count of an edition from its groups: the counters :func:`counting.count_groups`
    takes, the digest's ballot section, and the verdict writes that bring the stored rows in
    line (:meth:`write`)."""

    def __init__(self, edition: Edition, config: EditionConfig, projects) -> None:
        self.edition = edition
        rules = counting.voting_rules(config, projects)
        self.rules_digest = rules_digest(rules)
        choose = judging.choice_judge(rules)
        _aggregate_in_memory()
        groups = read_groups(edition)
        repeated = read_repeated(edition)
        full = long_keys(edition) if any((g[1] or "").startswith(",") for g in groups) else {}
        people = [
            judging.BallotIn(ballot_id, channel, _date(cast), True, None, voter, None, ())
            for _id, ballot_id, channel, cast, voter, *_ in repeated
        ]
        later = judging.later_ballots(people, rules.duplicates)
        self.duplicates = [
            (row, person.ballot_id)
            for row, person in zip(repeated, people, strict=True)
            if id(person) in later
        ]
        in_groups = Counter((row[5], row[6], row[2], row[7]) for row, _ in self.duplicates)
        verdicts: dict[str, tuple[str | None, tuple[str, ...]]] = {}
        self.received: Counter = Counter()
        self.chosen: Counter = Counter()
        self.folded: Counter = Counter()
        self.changes: dict[tuple, str | None] = {}
        listed: dict[str, str | None] = {}
        for check, stored_key, channel, reason, n in groups:
            n -= in_groups.get((check, stored_key, channel, reason), 0)
            if n <= 0:
                continue
            if check:
                new, choices = check, ()
            else:
                key = full.get(stored_key, stored_key)
                known = verdicts.get(key)
                if known is None:
                    known = verdicts[key] = choose(tuple(c for c in key.split(",") if c))
                new, choices = known
                listed[key] = new
            self.received[channel, new] += n
            if new is None:
                self.chosen[choices, channel] += n
                self.folded[choices] += n
            if new != reason:
                self.changes[check, stored_key, reason] = new
        for row, _ballot_id in self.duplicates:
            self.received[row[2], judging.DUPLICATE_VOTER] += 1
        self.section = digest.ballot_section(
            self.edition.ballots_digest, [b for _, b in self.duplicates], listed
        )

    def write(self) -> None:
        """Store each ballot's verdict (``reason``), writing only the groups that changed."""
        connection = db.session.connection()
        dbapi = connection.connection.dbapi_connection
        postgresql = connection.dialect.name == "postgresql"
        mark = "%s" if postgresql else "?"
        edition_id = int(self.edition.id)
        cursor = dbapi.cursor()
        try:
            frozen = {check for (check, _key, _old) in self.changes if check}
            for check in sorted(frozen):  # the frozen reasons: one statement each
                cursor.execute(
                    f"UPDATE pb_ballots SET reason = {mark} WHERE edition_id = {edition_id} "
                    f"AND frozen_reason = {mark} AND (reason IS NULL OR reason <> {mark})",
                    (check, check, check),
                )
            lists = [
                (new, key, old) for (check, key, old), new in self.changes.items() if not check
            ]
            if lists and postgresql:
                # One statement per (new, old) verdict pair with the lists as an array: a
                # statement per list costs the server more than the rows it changes.
                keys: dict[tuple, list[str]] = {}
                for new, key, old in lists:
                    keys.setdefault((new, old), []).append(key)
                for (new, old), changed in keys.items():
                    cursor.execute(
                        f"UPDATE pb_ballots SET reason = %s WHERE edition_id = {edition_id} "
                        "AND frozen_reason = '' AND codes_key = ANY(%s) "
                        "AND reason IS NOT DISTINCT FROM %s",
                        (new, changed, old),
                    )
            elif lists:
                cursor.executemany(
                    f"UPDATE pb_ballots SET reason = ? WHERE edition_id = {edition_id} "
                    "AND frozen_reason = '' AND codes_key = ? AND reason IS ?",
                    lists,
                )
            touched = bool(frozen or lists)
            again = [
                row[0] for row, _ in self.duplicates if touched or row[7] != judging.DUPLICATE_VOTER
            ]
            if again and postgresql:
                cursor.execute(
                    "UPDATE pb_ballots SET reason = %s WHERE id = ANY(%s)",
                    (judging.DUPLICATE_VOTER, again),
                )
            elif again:
                cursor.executemany(
                    "UPDATE pb_ballots SET reason = ? WHERE id = ?",
                    [(judging.DUPLICATE_VOTER, row_id) for row_id in again],
                )
        finally:
            cursor.close()

    def save(self) -> None:
        """Keep what this count found for the next one (after :meth:`write`: every stored
        verdict is then what the counters say)."""
        data = {
            "received": [[channel, reason, n] for (channel, reason), n in self.received.items()],
            "chosen": [
                [list(choices), channel, n] for (choices, channel), n in self.chosen.items()
            ],
            "duplicates": self.section["duplicates"],
            "verdicts": self.section["verdicts"],
        }
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        values = {
            "ballots_digest": self.edition.ballots_digest,
            "rules_digest": self.rules_digest,
            "groups": zlib.compress(text.encode(), 1),
        }
        table = CountState.__table__
        connection = db.session.connection()
        if connection.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        statement = insert(table).values(edition_id=self.edition.id, **values)
        connection.execute(
            statement.on_conflict_do_update(index_elements=[table.c.edition_id], set_=values)
        )


class StoredTally:
    """The count of an edition read from its :class:`CountState`: the same counters and
    ballot section as the :class:`GroupedTally` that stored them, and nothing to write."""

    def __init__(self, ballots_digest: str, data: dict) -> None:
        self.received = Counter({(channel, reason): n for channel, reason, n in data["received"]})
        self.chosen = Counter({(tuple(codes), channel): n for codes, channel, n in data["chosen"]})
        self.folded: Counter = Counter()
        for (choices, _channel), n in self.chosen.items():
            self.folded[choices] += n
        self.section = {
            "columns": ballots_digest,
            "duplicates": data["duplicates"],
            "verdicts": data["verdicts"],
        }

    def write(self) -> None:
        """Every stored verdict is already what the counters say."""

    def save(self) -> None:
        """The state this count was read from is still true."""


#: Changes whenever the stored state's meaning does: an older state is then not used.
STATE_FORMAT = 1


def rules_digest(rules: judging.VotingRules) -> str:
    """SHA-256 of all that the judging of stored ballots depends on (and of the state's
    format): the same digest, the same verdict for every stored ballot."""
    inputs = {
        "format": STATE_FORMAT,
        "voting": [rules.voting_starts_on.isoformat(), rules.voting_ends_on.isoformat()],
        "min_age": rules.min_age,
        "settlements": list(rules.settlements),
        "projects": sorted(rules.projects.items()),
        "max_choices": sorted(rules.max_choices.items()),
        "duplicates": rules.duplicates,
        "require_identity": rules.require_identity,
    }
    return hashlib.sha256(digest.canonical_json(inputs).encode()).hexdigest()


def stored_tally(edition: Edition, rules: judging.VotingRules) -> StoredTally | None:
    """The edition's stored count state if it is still true: stored for these very ballots
    (every path that stores or changes a ballot clears ``ballots_digest``; the next count's
    digest of other ballots differs) and these judging rules; else None."""
    if edition.ballots_digest is None:
        return None
    table = CountState.__table__
    row = db.session.execute(
        table.select().where(
            table.c.edition_id == edition.id,
            table.c.ballots_digest == edition.ballots_digest,
            table.c.rules_digest == rules_digest(rules),
        )
    ).first()
    if row is None:
        return None
    try:
        return StoredTally(edition.ballots_digest, json.loads(zlib.decompress(row.groups)))
    except (zlib.error, ValueError, KeyError, TypeError):  # a damaged row: count from ballots
        return None


def grouped_tally(
    edition: Edition,
    config: EditionConfig,
    projects: Sequence[counting.ProjectIn],
    *,
    stored: bool = True,
) -> GroupedTally | StoredTally:
    """The stored count state if it is still true (and ``stored``); else make sure every row
    has its frozen checks and the edition its ballots' digest, then count by groups."""
    if edition.ballots_digest is None or _unjudged(edition):
        fill_checks(edition, config)
        store_ballots_digest(edition)
    elif stored:
        stored = stored_tally(edition, counting.voting_rules(config, projects))
        if stored is not None:
            return stored
    return GroupedTally(edition, config, projects)


def _unjudged(edition: Edition) -> bool:
    """Whether a row lacks its frozen checks (an index seek, not a scan)."""
    table = Ballot.__table__
    return (
        db.session.execute(
            table.select()
            .with_only_columns(table.c.id)
            .where(table.c.edition_id == edition.id, table.c.frozen_reason.is_(None))
            .limit(1)
        ).first()
        is not None
    )
