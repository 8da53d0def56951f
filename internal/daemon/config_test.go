package daemon

import (
	"testing"
	"time"

	"github.com/tenantd/tenantd/sqlstore"
)

func TestPoolFromEnv(t *testing.T) {
	defaults := sqlstore.PoolConfig{MaxOpenConns: 20, MaxIdleConns: 10,
		ConnMaxLifetime: 30 * time.Minute, ConnMaxIdleTime: 5 * time.Minute}

	tests := []struct {
		name    string
		env     map[string]string
		want    sqlstore.PoolConfig
		wantErr bool
	}{
		{"defaults", nil, defaults, false},
		{"all set", map[string]string{"TENANTD_DB_MAX_CONNS": "40",
			"TENANTD_DB_MAX_IDLE_CONNS": "4", "TENANTD_DB_CONN_MAX_LIFETIME": "1h",
			"TENANTD_DB_CONN_MAX_IDLE_TIME": "90s"},
			sqlstore.PoolConfig{MaxOpenConns: 40, MaxIdleConns: 4,
				ConnMaxLifetime: time.Hour, ConnMaxIdleTime: 90 * time.Second}, false},
		{"idle capped by max", map[string]string{"TENANTD_DB_MAX_CONNS": "3"},
			sqlstore.PoolConfig{MaxOpenConns: 3, MaxIdleConns: 3,
				ConnMaxLifetime: 30 * time.Minute, ConnMaxIdleTime: 5 * time.Minute}, false},
		{"one connection is too few", map[string]string{"TENANTD_DB_MAX_CONNS": "1"}, defaults, true},
		{"not a number", map[string]string{"TENANTD_DB_MAX_IDLE_CONNS": "many"}, defaults, true},
		{"not a duration", map[string]string{"TENANTD_DB_CONN_MAX_LIFETIME": "30"}, defaults, true},
		{"negative duration", map[string]string{"TENANTD_DB_CONN_MAX_IDLE_TIME": "-1m"}, defaults,
			true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := ConfigFromEnv(func(k string) string { return tt.env[k] })
			if tt.wantErr {
				if err == nil {
					t.Fatalf("no error; got %+v", cfg.DBPool)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.DBPool != tt.want {
				t.Fatalf("got %+v, want %+v", cfg.DBPool, tt.want)
			}
		})
	}
}
