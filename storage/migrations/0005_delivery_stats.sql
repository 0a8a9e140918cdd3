-- Schema version 5: anonymous delivery statistics (bot/estimates.py).
--
-- One row per delivered parcel: its route and durations, no user id, no number, nothing that
-- points back to anyone (so /forgetme leaves it). Days are whole days.
CREATE TABLE delivery_stats (
    id              INTEGER PRIMARY KEY,
    origin          TEXT    NOT NULL DEFAULT '',     -- ISO alpha-2, '' = unknown
    dest            TEXT    NOT NULL DEFAULT '',
    service         TEXT    NOT NULL DEFAULT '',     -- carrier slug or service class
    month           TEXT    NOT NULL,                -- 'YYYY-MM' of the hand-over
    transit_days    INTEGER NOT NULL CHECK (transit_days >= 0),   -- hand-over → delivered
    handover_days   INTEGER CHECK (handover_days >= 0),           -- label → hand-over
    customs_days    INTEGER CHECK (customs_days >= 0),
    recorded_at     INTEGER NOT NULL
) STRICT;

-- What the card reads: parcels per (route, service, days), kept beside the rows in the same
-- transaction, so an estimate is one indexed read of at most a few hundred small rows however
-- many parcels were delivered. service '*' pools every service of the route.
CREATE TABLE delivery_days (
    origin   TEXT    NOT NULL,
    dest     TEXT    NOT NULL,
    service  TEXT    NOT NULL,
    days     INTEGER NOT NULL,
    parcels  INTEGER NOT NULL CHECK (parcels > 0),
    PRIMARY KEY (origin, dest, service, days)
) STRICT, WITHOUT ROWID;

-- The vendor's own delivery estimate for a parcel (Cainiao globalEtaInfo, 17TRACK
-- estimated_delivery_date): what the card says while the route has too few delivered parcels.
ALTER TABLE parcels ADD COLUMN eta_from INTEGER;   -- unix seconds
ALTER TABLE parcels ADD COLUMN eta_to INTEGER;
ALTER TABLE parcels ADD COLUMN eta_source TEXT;
