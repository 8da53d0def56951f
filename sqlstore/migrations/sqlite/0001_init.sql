-- Tenants keep the columns that lists filter, sort and search on; every other setting lives in
-- the settings JSON document, written and read whole.
CREATE TABLE tenants (
    id                   INTEGER PRIMARY KEY,
    name                 TEXT    NOT NULL,
    domain               TEXT    NOT NULL,
    search_text          TEXT    NOT NULL,
    enabled              INTEGER NOT NULL,
    max_extensions       INTEGER NOT NULL,
    max_concurrent_calls INTEGER NOT NULL,
    website              TEXT,
    timezone             TEXT    NOT NULL,
    currency             TEXT    NOT NULL,
    region               TEXT    NOT NULL,
    avatar_file_id       INTEGER,
    avatar_file_name     TEXT,
    avatar_file_size     INTEGER NOT NULL DEFAULT 0,
    avatar_key           TEXT,
    used_disk_bytes      INTEGER NOT NULL DEFAULT 0,
    settings             TEXT    NOT NULL,
    version              INTEGER NOT NULL,
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL
);

-- The domain is stored in canonical form, so this index is the case-insensitive uniqueness
-- rule itself.
CREATE UNIQUE INDEX tenants_domain ON tenants (domain);

-- One index per sortable summary field, each ending in id so that ordered pages use it whole.
CREATE INDEX tenants_name ON tenants (name, id);
CREATE INDEX tenants_created_at ON tenants (created_at, id);
CREATE INDEX tenants_enabled ON tenants (enabled, id);
CREATE INDEX tenants_max_extensions ON tenants (max_extensions, id);
CREATE INDEX tenants_max_concurrent_calls ON tenants (max_concurrent_calls, id);
CREATE INDEX tenants_timezone ON tenants (timezone, id);
CREATE INDEX tenants_currency ON tenants (currency, id);
CREATE INDEX tenants_region ON tenants (region, id);
CREATE INDEX tenants_website ON tenants (website, id);

-- Accounts: system admins and dealers have no tenant; tenant admins and users have one.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    tenant_id     INTEGER REFERENCES tenants (id) ON DELETE CASCADE,
    name          TEXT    NOT NULL,
    role          TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,
    enabled       INTEGER NOT NULL DEFAULT 1,
    created_at    INTEGER NOT NULL
);

CREATE UNIQUE INDEX users_tenant_name ON users (coalesce(tenant_id, 0), name);

-- Sessions hold only SHA-256 hashes of tokens. A refresh makes a new row in the same family;
-- reusing a spent refresh token revokes the whole family.
CREATE TABLE sessions (
    id                 INTEGER PRIMARY KEY,
    user_id            INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    family_id          INTEGER NOT NULL,
    access_hash        TEXT    NOT NULL,
    access_expires_at  INTEGER NOT NULL,
    refresh_hash       TEXT    NOT NULL,
    refresh_expires_at INTEGER NOT NULL,
    refreshed          INTEGER NOT NULL DEFAULT 0,
    revoked            INTEGER NOT NULL DEFAULT 0,
    current_tenant_id  INTEGER REFERENCES tenants (id) ON DELETE SET NULL,
    created_at         INTEGER NOT NULL
);

CREATE UNIQUE INDEX sessions_access_hash ON sessions (access_hash);
CREATE UNIQUE INDEX sessions_refresh_hash ON sessions (refresh_hash);
CREATE INDEX sessions_family ON sessions (family_id);
CREATE INDEX sessions_user ON sessions (user_id);
