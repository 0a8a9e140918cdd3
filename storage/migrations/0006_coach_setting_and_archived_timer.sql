-- Schema version 6: the coach can be turned off per user (/settings), and an archived parcel
-- can keep its protection-timer reminders (issue 11, QA A9).

-- 1 = the coach pushes the next step for this user's parcels (the default, as before); 0 = off.
ALTER TABLE users ADD COLUMN coach_enabled INTEGER NOT NULL DEFAULT 1 CHECK (coach_enabled IN (0, 1));

-- 1 = the user archived this undelivered parcel and asked to keep the timer reminders; the
-- protection reminders then cover it although it is archived. Cleared when watched again.
ALTER TABLE parcels ADD COLUMN keep_timer_reminders INTEGER NOT NULL DEFAULT 0
    CHECK (keep_timer_reminders IN (0, 1));
