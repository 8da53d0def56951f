-- Dealers, tenant users, tenant designations and the audit trail.

-- Tenant users and dealers keep their list fields in columns; the rest of a tenant user's
-- settings live in the settings JSON document, written and read whole.
ALTER TABLE users ADD COLUMN email TEXT;
ALTER TABLE users ADD COLUMN display_name TEXT;
ALTER TABLE users ADD COLUMN extension_number TEXT;
ALTER TABLE users ADD COLUMN mobile_phone TEXT;
ALTER TABLE users ADD COLUMN work_phone TEXT;
ALTER TABLE users ADD COLUMN home_phone TEXT;
ALTER TABLE users ADD COLUMN address TEXT;
ALTER TABLE users ADD COLUMN department TEXT;
ALTER TABLE users ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';
ALTER TABLE users ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE users ADD COLUMN updated_at BIGINT NOT NULL DEFAULT 0;

-- Extension numbers are unique within a tenant. Accounts without a tenant have none, and
-- NULLs never collide.
CREATE UNIQUE INDEX users_tenant_extension ON users (tenant_id, extension_number);
CREATE INDEX users_tenant_created_at ON users (tenant_id, created_at, id);

-- A dealer is an account (a users row without a tenant, role Dealer) plus these limits.
CREATE TABLE dealers (
    id                 BIGINT  PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    level              TEXT    NOT NULL,
    max_tenants        INTEGER NOT NULL,
    max_extensions     INTEGER NOT NULL,
    tenant_full_access INTEGER NOT NULL,
    website            TEXT,
    phone              TEXT,
    address            TEXT,
    description        TEXT
);

-- Which dealers a tenant is designated to; a dealer sees exactly these tenants.
CREATE TABLE tenant_dealers (
    tenant_id  BIGINT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    dealer_id  BIGINT NOT NULL REFERENCES dealers (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, dealer_id)
);

CREATE INDEX tenant_dealers_dealer ON tenant_dealers (dealer_id, tenant_id);

-- The purge job needs each tenant's log retention without decoding its settings.
ALTER TABLE tenants ADD COLUMN log_retention INTEGER NOT NULL DEFAULT 180;
UPDATE tenants SET log_retention = coalesce((settings::json ->> 'log_retention')::integer, 180);

-- The audit trail. tenant_id is NULL for entries outside any tenant (system admin and dealer
-- sign-ins, dealer records); entries of a deleted tenant stay, without a tenant.
CREATE TABLE audit_logs (
    id          BIGINT PRIMARY KEY,
    tenant_id   BIGINT REFERENCES tenants (id) ON DELETE SET NULL,
    user_id     BIGINT,
    user_name   TEXT   NOT NULL,
    source      TEXT   NOT NULL,
    ip          TEXT   NOT NULL,
    action      TEXT   NOT NULL,
    object_type TEXT   NOT NULL,
    object_name TEXT   NOT NULL,
    old_state   TEXT   NOT NULL,
    new_state   TEXT   NOT NULL,
    search_text TEXT   NOT NULL,
    created_at  BIGINT NOT NULL
);

CREATE INDEX audit_logs_tenant_created_at ON audit_logs (tenant_id, created_at, id);
CREATE INDEX audit_logs_created_at ON audit_logs (created_at, id);
CREATE INDEX audit_logs_user ON audit_logs (user_id, created_at, id);
