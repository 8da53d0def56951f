-- The PostgreSQL twin of sqlite/0001_init.sql: the same tables, columns and indexes. Where the
-- two differ, it is so that both databases answer alike:
--   * every integer that is not a 0/1 flag is BIGINT, so that a filter may compare it with any
--     64-bit literal (PostgreSQL types a parameter after its column and refuses an INTEGER
--     parameter beyond 32 bits, where SQLite just compares);
--   * text that lists sort or compare on is COLLATE "C": byte order, as SQLite's BINARY, so
--     that orderby and gt/lt filters give the same order whatever the server's locale;
--   * indexes on nullable columns put NULLs first, the order both dialects sort in (SQLite's
--     default; sqlstore/list.go says NULLS FIRST/LAST explicitly).

CREATE TABLE tenants (
    id                   BIGINT  PRIMARY KEY,
    name                 TEXT    COLLATE "C" NOT NULL,
    domain               TEXT    COLLATE "C" NOT NULL,
    search_text          TEXT    NOT NULL,
    enabled              INTEGER NOT NULL,
    max_extensions       BIGINT  NOT NULL,
    max_concurrent_calls BIGINT  NOT NULL,
    website              TEXT    COLLATE "C",
    timezone             TEXT    COLLATE "C" NOT NULL,
    currency             TEXT    COLLATE "C" NOT NULL,
    region               TEXT    COLLATE "C" NOT NULL,
    avatar_file_id       BIGINT,
    avatar_file_name     TEXT    COLLATE "C",
    avatar_file_size     BIGINT  NOT NULL DEFAULT 0,
    avatar_key           TEXT,
    used_disk_bytes      BIGINT  NOT NULL DEFAULT 0,
    settings             TEXT    NOT NULL,
    version              BIGINT  NOT NULL,
    created_at           BIGINT  NOT NULL,
    updated_at           BIGINT  NOT NULL
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
CREATE INDEX tenants_website ON tenants (website NULLS FIRST, id);

-- Accounts: system admins and dealers have no tenant; tenant admins and users have one.
CREATE TABLE users (
    id            BIGINT  PRIMARY KEY,
    tenant_id     BIGINT  REFERENCES tenants (id) ON DELETE CASCADE,
    name          TEXT    NOT NULL,
    role          TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,
    enabled       INTEGER NOT NULL DEFAULT 1,
    created_at    BIGINT  NOT NULL
);

CREATE UNIQUE INDEX users_tenant_name ON users (coalesce(tenant_id, 0), name);

-- Sessions hold only SHA-256 hashes of tokens. A refresh makes a new row in the same family;
-- reusing a spent refresh token revokes the whole family.
CREATE TABLE sessions (
    id                 BIGINT  PRIMARY KEY,
    user_id            BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    family_id          BIGINT  NOT NULL,
    access_hash        TEXT    NOT NULL,
    access_expires_at  BIGINT  NOT NULL,
    refresh_hash       TEXT    NOT NULL,
    refresh_expires_at BIGINT  NOT NULL,
    refreshed          INTEGER NOT NULL DEFAULT 0,
    revoked            INTEGER NOT NULL DEFAULT 0,
    current_tenant_id  BIGINT  REFERENCES tenants (id) ON DELETE SET NULL,
    created_at         BIGINT  NOT NULL
);

CREATE UNIQUE INDEX sessions_access_hash ON sessions (access_hash);
CREATE UNIQUE INDEX sessions_refresh_hash ON sessions (refresh_hash);
CREATE INDEX sessions_family ON sessions (family_id);
CREATE INDEX sessions_user ON sessions (user_id);
