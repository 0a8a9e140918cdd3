-- Rows valid for schema version 6 (5's, the per-user coach switch and the archived parcel's
-- timer reminders); every table gets at least one.
-- Odd values on purpose: unicode, NULLs, REAL amounts, blobs, negative chat ids.
INSERT INTO users (id, chat_id, language, timezone, quiet_start, quiet_end, created_at, updated_at,
                   blocked_at, last_seen_at, coach_enabled)
VALUES (1001, 1001, 'ru', 'Europe/Moscow', 1380, 480, 1700000000, 1700000100, NULL, 1700000200, 0),
       (1002, 1002, 'en', NULL, NULL, NULL, 1700000000, 1700000000, 1700005000, 1700000000, 1);

INSERT INTO parcels (id, user_id, number, nickname, carrier, kind, real_number, created_at,
                     updated_at, shipped_on, price_amount, price_currency, protection_deadline,
                     seller_contacted_on, seller_response, dispute_opened_on, dispute_reason,
                     dispute_amount, dispute_status, status, status_changed_at, last_event_at,
                     last_pushed_event_at, origin_country, dest_country, last_checked_at,
                     next_check_at, check_failures, claimed_until, archived_at, stall_alerted_at,
                     keep_timer_reminders)
VALUES (1, 1001, 'RB123456789CN', 'Наушники 🎧', 'china-post', 's10', NULL, 1700000000,
        1700000300, '2023-11-01', 7.49, 'USD', '2024-01-05', '2023-11-12', 'promises',
        '2023-11-20', 'no_tracking', 7.49, 'open', 'in_transit', 1700000250, 1700000240,
        1700000240, 'CN', 'RU', 1700000260, 1700010000, 2, 1700000500, NULL, 1700000270, 0),
       (2, 1001, 'LP00123456789012', NULL, NULL, 'local', 'RU987654321CN', 1700000000, 1700000000,
        NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'not_found', NULL, NULL,
        NULL, NULL, NULL, NULL, NULL, 0, NULL, 1700009999, NULL, 1),
       (3, 1002, 'RB123456789CN', 'same number, other user', NULL, NULL, NULL, 1700000000,
        1700000000, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'delivered',
        NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL, NULL, 0);

INSERT INTO tracking_events (id, parcel_id, event_key, occurred_at, status, location, description,
                             raw_code, source, created_at, detail)
VALUES (1, 1, 'cainiao:1699990000:GWMS_ACCEPT', 1699990000, 'info_received', 'Shenzhen',
        'Принято на склад', 'GWMS_ACCEPT', 'cainiao', 1700000000, '包裹已出库 preMainCode:SINOA00241668IL'),
       (2, 1, 'cainiao:nodate:abc', NULL, NULL, NULL, '', NULL, 'cainiao', 1700000001, NULL),
       (3, 3, '17track:1700000000:Delivered', 1700000000, 'delivered', 'Москва 101000',
        'Вручено', 'Delivered', '17track', 1700000002, '');

INSERT INTO tracking_checks (parcel_id, source, result, since_event_at, checks, first_at, last_at)
VALUES (1, 'cainiao', 'new', 0, 1, 1700000000, 1700000000),
       (1, 'cainiao', 'same', 1699990000, 38, 1700000100, 1700900000),
       (1, '17track', 'failed', 1699990000, 2, 1700000200, 1700000300),
       (2, 'cainiao', 'empty', 0, 5, 1700000000, 1700400000);

INSERT INTO source_registrations (source, number, registered_at, stopped_at)
VALUES ('17track', 'RB123456789CN', 1700000000, NULL),
       ('17track', 'LP00123456789012', 1700000000, 1700100000);

INSERT INTO outbox (id, user_id, parcel_id, kind, payload, dedupe_key, created_at, not_before,
                    attempts, claimed_until, sent_at, failed_at, last_error)
VALUES (1, 1001, 1, 'event', '{"event_id":1,"text":"Привет"}', 'event:1', 1700000000, 1700000000,
        1, NULL, 1700000010, NULL, NULL),
       (2, 1001, NULL, 'digest', '{}', NULL, 1700000000, 1700030000, 0, NULL, NULL, NULL, NULL),
       (3, 1002, 3, 'event', '{"n":[1,2.5,null]}', NULL, 1700000000, 1700000000, 5, 1700000100,
        NULL, 1700000200, 'Forbidden: bot was blocked by the user');

INSERT INTO reminders (id, user_id, parcel_id, kind, due_at, payload, created_at, fired_at,
                       cancelled_at)
VALUES (1, 1001, 1, 'seller_followup', 1700432000, '{"days":5}', 1700000000, NULL, NULL),
       (2, 1001, NULL, 'weekly_digest', 1700600000, '{}', 1700000000, 1700600001, NULL),
       (3, 1002, 3, 'protection_ending', 1700500000, '{}', 1700000000, NULL, 1700000500);

INSERT INTO ptb_user_data (user_id, data, updated_at) VALUES (1001, X'80049500', 1700000000);
INSERT INTO ptb_chat_data (chat_id, data, updated_at) VALUES (-1002, X'8004', 1700000000);
INSERT INTO ptb_bot_data (id, data, updated_at) VALUES (1, X'00FF', 1700000000);
INSERT INTO ptb_callback_data (id, data, updated_at) VALUES (1, X'01', 1700000000);
INSERT INTO ptb_conversations (name, key, state, updated_at)
VALUES ('add_parcel', '[1001,1001]', X'4B01', 1700000000),
       ('dispute', '[-1002,1002,77]', X'4B02', 1700000000);

INSERT INTO parcel_answers (parcel_id, tracking, quiet_since, timer_over, seller_contacted,
                            dispute_open, paid_with_paypal, offer_amount, order_finished_on,
                            asked, round_done, updated_at)
VALUES (1, 'stalled', '2023-11-10', 1, 0, 0, 1, 2.5, '2023-11-01',
        '["protection_days_left","tracking"]', 1, 1700000400),
       (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, '[]', 0, 1700000000);

INSERT INTO delivery_stats (id, origin, dest, service, month, transit_days, handover_days,
                            customs_days, recorded_at)
VALUES (1, 'CN', 'RU', 'china-post', '2026-10', 21, 3, 6, 1700000000),
       (2, '', '', '', '2026-11', 0, NULL, NULL, 1700000001);

INSERT INTO delivery_days (origin, dest, service, days, parcels)
VALUES ('CN', 'RU', 'china-post', 21, 1),
       ('CN', 'RU', '*', 21, 1),
       ('', '', '*', 0, 1);
