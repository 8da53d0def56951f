-- The settings document moves out of the tenants table, as on SQLite, so that lists scan
-- narrow rows. PostgreSQL keeps long values out of line already, but the two dialects share
-- their queries, and a narrow heap still helps sequential scans.
CREATE TABLE tenant_settings (
    tenant_id BIGINT PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    settings  TEXT   NOT NULL
);

INSERT INTO tenant_settings (tenant_id, settings) SELECT id, settings FROM tenants;
ALTER TABLE tenants DROP COLUMN settings;
