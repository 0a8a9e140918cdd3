-- Schema version 2: a parcel's answers that have no column of their own.
--
-- Until now the "what now?" and dispute chats kept them in the user's chat data (a pickled
-- blob), so a parcel's facts lived in two places. One row per parcel, written only by the chat;
-- the bot moves older releases' answers in at start-up. Deleting the parcel deletes its answers.
CREATE TABLE parcel_answers (
    parcel_id          INTEGER PRIMARY KEY REFERENCES parcels(id) ON DELETE CASCADE,
    tracking           TEXT,      -- what tracking shows, as told (parcels never looked up)
    quiet_since        TEXT,      -- 'YYYY-MM-DD': no new event since (as told)
    timer_over         INTEGER CHECK (timer_over IN (0, 1)),  -- over, since an unknown day
    seller_contacted   INTEGER CHECK (seller_contacted IN (0, 1)),  -- 0: "not yet"
    dispute_open       INTEGER CHECK (dispute_open IN (0, 1)),      -- 0: "none open"
    paid_with_paypal   INTEGER CHECK (paid_with_paypal IN (0, 1)),
    offer_amount       REAL,      -- the seller's counter-offer, USD
    order_finished_on  TEXT,      -- 'YYYY-MM-DD' (or a lower bound: "longer ago")
    asked              TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(asked)),  -- facts asked
    round_done         INTEGER NOT NULL DEFAULT 0 CHECK (round_done IN (0, 1)),
    updated_at         INTEGER NOT NULL
) STRICT;
