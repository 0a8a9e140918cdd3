-- Schema version 4: what the dispute evidence and events in the user's language need.
--
-- The carrier's own words next to the standard text (Cainiao `desc` beside `standerdDesc`): the
-- hand-over number at the next carrier, a place, a note in Chinese. NULL for events stored before.
ALTER TABLE tracking_events ADD COLUMN detail TEXT;

-- Every check of a parcel, counted rather than logged: one row per (parcel, source, result,
-- the parcel's last event time when checked), so a parcel checked every few hours for months
-- keeps a handful of rows, yet "checked 38 times since the last event on Nov 2, nothing new"
-- can still be said. result: 'new' (new events), 'same' (events, none new), 'empty' (the source
-- knows no event), 'failed'.
CREATE TABLE tracking_checks (
    parcel_id       INTEGER NOT NULL REFERENCES parcels(id) ON DELETE CASCADE,
    source          TEXT    NOT NULL,
    result          TEXT    NOT NULL CHECK (result IN ('new', 'same', 'empty', 'failed')),
    since_event_at  INTEGER NOT NULL DEFAULT 0,   -- parcels.last_event_at before the check, 0 = none
    checks          INTEGER NOT NULL CHECK (checks > 0),
    first_at        INTEGER NOT NULL,
    last_at         INTEGER NOT NULL,
    PRIMARY KEY (parcel_id, source, result, since_event_at)
) STRICT, WITHOUT ROWID;
