-- A user's pushes go to users.chat_id. Before this version a message in a group stored the
-- group's id there (issue 14: private pushes delivered into a group). A user's private chat id is
-- their user id in Telegram, so point every such row back to it.
UPDATE users SET chat_id = id WHERE chat_id <> id;
