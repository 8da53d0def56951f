-- The answers to creates sent with an Idempotency-Key header, per account, so that a retry
-- gets the first answer again instead of making a second record. A row is written in the same
-- transaction as the record it answers for, so a row always holds a complete answer. Rows
-- older than 24 hours are treated as absent and purged.
CREATE TABLE idempotency_keys (
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    idem_key     TEXT    NOT NULL,
    request_hash TEXT    NOT NULL,
    status       INTEGER NOT NULL,
    header       TEXT    NOT NULL,
    body         BLOB    NOT NULL,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (user_id, idem_key)
);

CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);
