-- Files: content stored once per SHA-256 digest (blobs), each tenant's file records (files),
-- and resumable uploads in progress (uploads), whose received bytes count against the
-- tenant's disk quota until they complete or are abandoned.

-- One row per stored content. A blob is removed, from disk and from here, only in a
-- transaction that holds its row and finds no file or upload referring to it.
CREATE TABLE blobs (
    digest     TEXT    PRIMARY KEY,
    size       INTEGER NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE files (
    id           INTEGER PRIMARY KEY,
    tenant_id    INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL,
    search_text  TEXT    NOT NULL,
    size         INTEGER NOT NULL,
    media_type   TEXT    NOT NULL,
    digest       TEXT    NOT NULL REFERENCES blobs (digest),
    temporary    INTEGER NOT NULL,
    download_key TEXT    NOT NULL,
    created_at   INTEGER NOT NULL
);

CREATE UNIQUE INDEX files_download_key ON files (download_key);
CREATE INDEX files_digest ON files (digest);
CREATE INDEX files_tenant_created_at ON files (tenant_id, created_at, id);
CREATE INDEX files_tenant_name ON files (tenant_id, name, id);
CREATE INDEX files_tenant_size ON files (tenant_id, size, id);
CREATE INDEX files_temporary ON files (temporary, tenant_id, created_at);

-- token_hash is the SHA-256 of the upload token; the token itself is never stored. digest is
-- set when completion begins, and pins the blob until the file record exists.
CREATE TABLE uploads (
    id         TEXT    PRIMARY KEY,
    tenant_id  INTEGER NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    token_hash TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    temporary  INTEGER NOT NULL,
    size       INTEGER NOT NULL DEFAULT 0,
    digest     TEXT    REFERENCES blobs (digest),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE INDEX uploads_tenant ON uploads (tenant_id, updated_at);
CREATE INDEX uploads_digest ON uploads (digest);
