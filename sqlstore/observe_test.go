package sqlstore

import "testing"

func TestClassify(t *testing.T) {
	cases := []struct {
		query string
		want  stmtKey
	}{
		{"SELECT count(*) FROM tenants WHERE id = ?", stmtKey{"select", "tenants"}},
		{"\n\t\tselect u.id FROM users u JOIN tenants t ON t.id = u.tenant_id",
			stmtKey{"select", "users"}},
		{"SELECT (SELECT count(*) FROM tenants), (SELECT 1)", stmtKey{"select", "tenants"}},
		{"INSERT INTO sessions (id) VALUES (?)", stmtKey{"insert", "sessions"}},
		{"UPDATE tenants SET name = ?", stmtKey{"update", "tenants"}},
		{"DELETE FROM tenants WHERE id = ?", stmtKey{"delete", "tenants"}},
		{"CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER)", stmtKey{"other", ""}},
		{"SELECT 1", stmtKey{"select", ""}},
		{"", stmtKey{"other", ""}},
	}
	for _, c := range cases {
		if got := classify(c.query); got != c.want {
			t.Errorf("classify(%q) = %v, want %v", c.query, got, c.want)
		}
	}
}

func TestClassifyDoesNotAllocate(t *testing.T) {
	q := "SELECT id, name FROM tenants WHERE domain = ?"
	if n := testing.AllocsPerRun(100, func() { classify(q) }); n != 0 {
		t.Fatalf("classify allocates %v times", n)
	}
}
