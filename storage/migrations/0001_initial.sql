-- Schema version 1: the whole mission's tables.
--
-- Conventions (see storage/__init__.py):
--   * instants ("*_at", not_before, claimed_until, due_at) are INTEGER unix seconds, UTC;
--   * calendar dates ("*_on", protection_deadline) are TEXT 'YYYY-MM-DD';
--   * JSON documents are TEXT checked with json_valid();
--   * every table is STRICT so a wrong type is an error, not a silent coercion.
-- Run by storage.migrations inside one transaction; never edit a shipped migration, add 0002+.

CREATE TABLE users (
    id              INTEGER PRIMARY KEY,              -- Telegram user id
    chat_id         INTEGER NOT NULL,                 -- private chat where we write to the user
    language        TEXT    NOT NULL DEFAULT 'en',
    timezone        TEXT,                             -- IANA name, NULL = unknown (UTC assumed)
    quiet_start     INTEGER CHECK (quiet_start BETWEEN 0 AND 1439),  -- minute of day, NULL = off
    quiet_end       INTEGER CHECK (quiet_end BETWEEN 0 AND 1439),
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    blocked_at      INTEGER,                          -- set when Telegram answered 403
    last_seen_at    INTEGER NOT NULL,
    CHECK ((quiet_start IS NULL) = (quiet_end IS NULL))
) STRICT;

CREATE TABLE parcels (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused: ids live in old buttons
    user_id              INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    number               TEXT    NOT NULL,              -- normalised track number
    nickname             TEXT,
    carrier              TEXT,                          -- slug guess
    kind                 TEXT,                          -- trackability verdict of the number format
    real_number          TEXT,                          -- number re-labelled by a source (realMailNo)
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL,
    -- order facts told by the user
    shipped_on           TEXT,
    price_amount         REAL,
    price_currency       TEXT,
    protection_deadline  TEXT,
    seller_contacted_on  TEXT,
    seller_response      TEXT,
    dispute_opened_on    TEXT,
    dispute_reason       TEXT,
    dispute_amount       REAL,
    dispute_status       TEXT,
    -- tracking state kept by the scheduler
    status               TEXT    NOT NULL DEFAULT 'not_found',
    status_changed_at    INTEGER,
    last_event_at        INTEGER,
    last_pushed_event_at INTEGER,
    origin_country       TEXT,
    dest_country         TEXT,
    last_checked_at      INTEGER,
    next_check_at        INTEGER,
    check_failures       INTEGER NOT NULL DEFAULT 0,
    claimed_until        INTEGER,                       -- lease of a scheduler pass
    archived_at          INTEGER,
    stall_alerted_at     INTEGER,
    UNIQUE (user_id, number)
) STRICT;
-- The scheduler asks "which active parcels are due"; archived ones never are.
CREATE INDEX parcels_due ON parcels (next_check_at) WHERE archived_at IS NULL;
-- Webhooks and shared lookups arrive with a number, not a parcel id.
CREATE INDEX parcels_number ON parcels (number);

CREATE TABLE tracking_events (
    id           INTEGER PRIMARY KEY,
    parcel_id    INTEGER NOT NULL REFERENCES parcels(id) ON DELETE CASCADE,
    event_key    TEXT    NOT NULL,      -- stable identity computed by the tracking layer
    occurred_at  INTEGER,               -- NULL when the source gave no time
    status       TEXT,
    location     TEXT,
    description  TEXT    NOT NULL DEFAULT '',
    raw_code     TEXT,
    source       TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    UNIQUE (parcel_id, event_key)
) STRICT;
CREATE INDEX tracking_events_timeline ON tracking_events (parcel_id, occurred_at);

-- 17TRACK charges per registration: remember each (source, number) once.
CREATE TABLE source_registrations (
    source         TEXT    NOT NULL,
    number         TEXT    NOT NULL,
    registered_at  INTEGER NOT NULL,
    stopped_at     INTEGER,
    PRIMARY KEY (source, number)
) STRICT, WITHOUT ROWID;

CREATE TABLE outbox (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id        INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    parcel_id      INTEGER REFERENCES parcels(id) ON DELETE CASCADE,
    kind           TEXT    NOT NULL,
    payload        TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(payload)),
    dedupe_key     TEXT,                -- optional: a second enqueue with the same key is ignored
    created_at     INTEGER NOT NULL,
    not_before     INTEGER NOT NULL,    -- quiet hours and retries push this forward
    attempts       INTEGER NOT NULL DEFAULT 0,
    claimed_until  INTEGER,             -- lease of a sender pass; expired leases are re-claimable
    sent_at        INTEGER,
    failed_at      INTEGER,             -- permanent failure, never retried
    last_error     TEXT,
    UNIQUE (user_id, dedupe_key)
) STRICT;
CREATE INDEX outbox_pending ON outbox (not_before, id) WHERE sent_at IS NULL AND failed_at IS NULL;
CREATE INDEX outbox_parcel ON outbox (parcel_id);

CREATE TABLE reminders (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    parcel_id     INTEGER REFERENCES parcels(id) ON DELETE CASCADE,
    kind          TEXT    NOT NULL,
    due_at        INTEGER NOT NULL,
    payload       TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(payload)),
    created_at    INTEGER NOT NULL,
    fired_at      INTEGER,
    cancelled_at  INTEGER
) STRICT;
-- Scheduling the same reminder twice is a no-op (NULL parcel_id counts as one value here).
CREATE UNIQUE INDEX reminders_idempotent ON reminders (user_id, ifnull(parcel_id, 0), kind, due_at);
CREATE INDEX reminders_due ON reminders (due_at) WHERE fired_at IS NULL AND cancelled_at IS NULL;
CREATE INDEX reminders_parcel ON reminders (parcel_id);

-- python-telegram-bot persistence (storage/persistence.py); values are pickles.
CREATE TABLE ptb_user_data (
    user_id     INTEGER PRIMARY KEY,
    data        BLOB    NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE ptb_chat_data (
    chat_id     INTEGER PRIMARY KEY,
    data        BLOB    NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE ptb_bot_data (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    data        BLOB    NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE ptb_callback_data (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    data        BLOB    NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE ptb_conversations (
    name        TEXT    NOT NULL,
    key         TEXT    NOT NULL CHECK (json_valid(key)),  -- JSON array: chat id, user id, message id
    state       BLOB    NOT NULL,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (name, key)
) STRICT, WITHOUT ROWID;
