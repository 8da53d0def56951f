package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/tenantd/tenantd"
	"github.com/tenantd/tenantd/client"
)

// tenantColumns are the columns of tenants list -o table.
var tenantColumns = []string{"id", "name", "domain", "enabled", "max_extensions",
	"max_concurrent_calls", "timezone", "currency", "region", "created_at"}

func runTenants(ctx context.Context, a *app, args []string) error {
	a.fieldFlag = fieldFlagName
	verbs := map[string]func(context.Context, *app, []string) error{
		"list": tenantsList, "get": tenantsGet, "create": tenantsCreate,
		"update": tenantsUpdate, "delete": tenantsDelete, "switch": tenantsSwitch,
	}
	return subcommand(ctx, a, "tenants", args, verbs,
		[]string{"list", "get", "create", "update", "delete", "switch"})
}

// listFlags adds the list options to fs.
func listFlags(fs *flag.FlagSet) *client.ListOptions {
	o := &client.ListOptions{}
	fs.StringVar(&o.Filter, "filter", "", "only matches of this `expression`, e.g. "+
		"\"currency eq 'CHF' and max_extensions ge 100\" (eq ne gt ge lt le, and or not, "+
		"contains/startswith/endswith(field,'text'))")
	fs.StringVar(&o.Search, "search", "", "only records whose name or domain contains `text`, "+
		"ignoring case")
	fs.StringVar(&o.OrderBy, "orderby", "", "sort by `fields`, e.g. \"name desc, created_at\"")
	fs.Int64Var(&o.Skip, "skip", 0, "skip the first `n` matches")
	fs.Int64Var(&o.Top, "top", 0, "return at most `n` records, 1 to 100 (server default 100)")
	return o
}

func tenantsList(ctx context.Context, a *app, args []string) error {
	fs := a.newFlagSet("tenants list", "tenants list [--filter EXPR] [--search TEXT] "+
		"[--orderby FIELDS] [--skip N] [--top N] [-o FORMAT]",
		"Lists one page of tenants. The table ends with (shown of total).")
	opts := listFlags(fs)
	format := outputFlag(fs)
	if err := parseNoArgs(fs, args, format); err != nil {
		return err
	}

	c, err := a.client()
	if err != nil {
		return err
	}
	page, err := c.Tenants().List(ctx, *opts)
	if err != nil {
		return err
	}
	wire := struct {
		Count int64                   `json:"count"`
		Items []tenantd.TenantSummary `json:"items"`
	}{page.Count, page.Items}
	return a.print(*format, wire, listTable(tenantColumns))
}

func tenantsGet(ctx context.Context, a *app, args []string) error {
	fs := a.newFlagSet("tenants get", "tenants get ID [-o FORMAT]",
		"Shows every setting of one tenant.")
	format := outputFlag(fs)
	id, err := parseID(fs, args, format)
	if err != nil {
		return err
	}

	c, err := a.client()
	if err != nil {
		return err
	}
	t, err := c.Tenants().Get(ctx, id)
	if err != nil {
		return err
	}
	return a.print(*format, t, recordTable)
}

// tenantFieldFlags adds a flag for every tenant field, --set and --body; they fill b. The
// help lists the field flags in the contract's order.
func (a *app) tenantFieldFlags(fs *flag.FlagSet, b body, synopsis, description string) error {
	flags, err := tenantFlags()
	if err != nil {
		return err
	}
	names := make([]string, len(flags))
	for i, f := range flags {
		fs.Var(&fieldValue{f: f, body: b}, f.flag, f.help)
		names[i] = f.flag
	}
	bodyFlags(fs, b)
	a.setUsage(fs, synopsis, description, names)
	return nil
}

const fieldsHelp = `Every tenant field has a flag named after it with - for _ (--max-extensions 50,
--enable-night-mode, --enable-billing=false). Nested settings take JSON (--office-hours,
--e164, --cdr-event, --extension-event, --outbound-caller-ids) and the members of e164,
cdr_event and extension_event also have flags of their own (--e164-country +41,
--cdr-event-url https://...); a member flag is applied after the JSON of its object.
--set field=value sets any member; --body starts from a JSON object.`

func tenantsCreate(ctx context.Context, a *app, args []string) error {
	synopsis := "tenants create --name NAME --domain DOMAIN --timezone ZONE --currency CODE " +
		"--region CODE [field flags] [-o FORMAT]"
	description := "Creates a tenant and prints its id. Fields left out take the server's " +
		"defaults.\n\n" + fieldsHelp
	fs := a.newFlagSet("tenants create", synopsis, description)
	b := body{}
	if err := a.tenantFieldFlags(fs, b, synopsis, description); err != nil {
		return err
	}
	format := outputFlag(fs)
	if err := parseNoArgs(fs, args, format); err != nil {
		return err
	}

	c, err := a.client()
	if err != nil {
		return err
	}
	id, err := c.Tenants().CreateFields(ctx, b)
	if err != nil {
		return err
	}
	if *format == formatTable {
		fmt.Fprintln(a.stdout, id) // bare, so that scripts can capture it
		return nil
	}
	return a.print(*format, map[string]string{"id": id}, recordTable)
}

func tenantsUpdate(ctx context.Context, a *app, args []string) error {
	synopsis := "tenants update ID [field flags] [-o FORMAT]"
	description := "Changes the given fields of a tenant and shows the result; other fields " +
		"keep their values.\n\n" + fieldsHelp
	fs := a.newFlagSet("tenants update", synopsis, description)
	b := body{}
	if err := a.tenantFieldFlags(fs, b, synopsis, description); err != nil {
		return err
	}
	format := outputFlag(fs)
	id, err := parseID(fs, args, format)
	if err != nil {
		return err
	}
	if len(b) == 0 {
		return usageErrorf("tenants update: nothing to change; give at least one field flag")
	}

	c, err := a.client()
	if err != nil {
		return err
	}
	t, err := c.Tenants().Update(ctx, id, client.Fields(b))
	if err != nil {
		return err
	}
	return a.print(*format, t, recordTable)
}

func tenantsSwitch(ctx context.Context, a *app, args []string) error {
	fs := a.newFlagSet("tenants switch", "tenants switch ID",
		"Makes the tenant the current one of this login, for the users and files commands. "+
			"For the system admin and dealers; a tenant's own admins are always in their tenant.")
	id, err := parseID(fs, args, nil)
	if err != nil {
		return err
	}

	c, err := a.client()
	if err != nil {
		return err
	}
	if err := c.Tenants().Switch(ctx, id); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "Working in tenant %s.\n", id)
	return nil
}

func tenantsDelete(ctx context.Context, a *app, args []string) error {
	fs := a.newFlagSet("tenants delete", "tenants delete ID",
		"Deletes a tenant and everything it owns. There is no undo.")
	id, err := parseID(fs, args, nil)
	if err != nil {
		return err
	}

	c, err := a.client()
	if err != nil {
		return err
	}
	if err := c.Tenants().Delete(ctx, id); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "Deleted tenant %s.\n", id)
	return nil
}

// parseNoArgs parses flags for a command without positional arguments and checks -o.
func parseNoArgs(fs *flag.FlagSet, args []string, format *string) error {
	rest, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if err := wantArgs(rest); err != nil {
		return err
	}
	if format != nil {
		return checkFormat(*format)
	}
	return nil
}

// parseID parses flags for a command that takes one id and checks -o.
func parseID(fs *flag.FlagSet, args []string, format *string) (string, error) {
	rest, err := parseArgs(fs, args)
	if err != nil {
		return "", err
	}
	if err := wantArgs(rest, "ID"); err != nil {
		return "", err
	}
	if format != nil {
		if err := checkFormat(*format); err != nil {
			return "", err
		}
	}
	if strings.TrimSpace(rest[0]) == "" {
		return "", usageErrorf("the id must not be empty")
	}
	return rest[0], nil
}
