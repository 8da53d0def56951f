-- Lists scan the tenants table; with each tenant's settings document inline, a row filled a
-- page and a scan read one page per tenant. The document moves to a table of its own, read
-- only when one tenant is read or written.
CREATE TABLE tenant_settings (
    tenant_id INTEGER PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    settings  TEXT    NOT NULL
);

INSERT INTO tenant_settings (tenant_id, settings) SELECT id, settings FROM tenants;
ALTER TABLE tenants DROP COLUMN settings;

-- Search finds a literal fragment anywhere in a name or domain. A trigram index answers that
-- for fragments of three characters or more without scanning every tenant; triggers keep it in
-- step with the tenants table inside the same transaction.
CREATE VIRTUAL TABLE tenant_search USING fts5 (search_text, tokenize = 'trigram');

INSERT INTO tenant_search (rowid, search_text) SELECT id, search_text FROM tenants;

CREATE TRIGGER tenants_search_insert AFTER INSERT ON tenants BEGIN
    INSERT INTO tenant_search (rowid, search_text) VALUES (new.id, new.search_text);
END;

CREATE TRIGGER tenants_search_update AFTER UPDATE OF search_text ON tenants
WHEN new.search_text <> old.search_text BEGIN
    UPDATE tenant_search SET search_text = new.search_text WHERE rowid = new.id;
END;

CREATE TRIGGER tenants_search_delete AFTER DELETE ON tenants BEGIN
    DELETE FROM tenant_search WHERE rowid = old.id;
END;
