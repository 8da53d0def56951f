package main

import (
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/tenantd/tenantd/client"
)

// resourceDef describes a collection that tenantctl handles generically: its endpoints, the
// columns of its table, and the verbs it has.
type resourceDef struct {
	noun     string
	singular string
	get      func(*client.Client) client.Resource
	columns  []string
	verbs    []string
}

var (
	dealers = resourceDef{"dealers", "dealer", (*client.Client).Dealers,
		[]string{"id", "name", "level", "enabled", "max_tenants", "max_extensions", "email"},
		[]string{"list", "get", "create", "update", "delete"}}
	users = resourceDef{"users", "user", (*client.Client).Users,
		[]string{"id", "name", "role", "enabled", "extension_number", "email", "display_name"},
		[]string{"list", "get", "create", "update", "delete"}}
	audit = resourceDef{"audit", "audit log entry", (*client.Client).AuditLogs,
		[]string{"created_at", "user_name", "action", "object_type", "object_name", "ip"},
		[]string{"list"}}
	files = resourceDef{"files", "file", func(c *client.Client) client.Resource {
		return c.Files().Resource
	}, []string{"id", "name", "size", "media_type", "created_at"},
		[]string{"list", "get", "delete"}}
)

// resourceCommand runs the verbs of a generic collection.
func resourceCommand(def resourceDef) func(context.Context, *app, []string) error {
	return func(ctx context.Context, a *app, args []string) error {
		return subcommand(ctx, a, def.noun, args, def.verbTable(), def.verbs)
	}
}

func (def resourceDef) verbTable() map[string]func(context.Context, *app, []string) error {
	all := map[string]func(context.Context, *app, []string) error{
		"list": def.list, "get": def.show, "create": def.create,
		"update": def.update, "delete": def.delete,
	}
	verbs := map[string]func(context.Context, *app, []string) error{}
	for _, v := range def.verbs {
		verbs[v] = all[v]
	}
	return verbs
}

func (def resourceDef) list(ctx context.Context, a *app, args []string) error {
	fs := a.newFlagSet(def.noun+" list", def.noun+" list [--filter EXPR] [--search TEXT] "+
		"[--orderby FIELDS] [--skip N] [--top N] [-o FORMAT]", "Lists one page of "+def.noun+".")
	opts := listFlags(fs)
	format := outputFlag(fs)
	if err := parseNoArgs(fs, args, format); err != nil {
		return err
	}

	c, err := a.client()
	if err != nil {
		return err
	}
	page, err := def.get(c).List(ctx, *opts)
	if err != nil {
		return err
	}
	return a.print(*format, page, listTable(def.columns))
}

func (def resourceDef) show(ctx context.Context, a *app, args []string) error {
	fs := a.newFlagSet(def.noun+" get", def.noun+" get ID [-o FORMAT]", "Shows one "+def.singular+".")
	format := outputFlag(fs)
	id, err := parseID(fs, args, format)
	if err != nil {
		return err
	}

	c, err := a.client()
	if err != nil {
		return err
	}
	o, err := def.get(c).Get(ctx, id)
	if err != nil {
		return err
	}
	return a.print(*format, o, recordTable)
}

const setHelp = "Fields are given with --set field=value (repeatable; the value is JSON when it\n" +
	"parses as JSON, else a string) and --body JSON or --body @file; the field names are\n" +
	"PortSIP's, e.g. --set name=acme-sales --set level=RESELLER --set max_tenants=10."

func (def resourceDef) create(ctx context.Context, a *app, args []string) error {
	fs := a.newFlagSet(def.noun+" create", def.noun+" create --set field=value... [-o FORMAT]",
		"Creates a "+def.singular+" and prints its id.\n\n"+setHelp)
	b := body{}
	bodyFlags(fs, b)
	format := outputFlag(fs)
	if err := parseNoArgs(fs, args, format); err != nil {
		return err
	}

	c, err := a.client()
	if err != nil {
		return err
	}
	id, err := def.get(c).Create(ctx, client.Fields(b))
	if err != nil {
		return err
	}
	if *format == formatTable {
		fmt.Fprintln(a.stdout, id)
		return nil
	}
	return a.print(*format, map[string]string{"id": id}, recordTable)
}

func (def resourceDef) update(ctx context.Context, a *app, args []string) error {
	fs := a.newFlagSet(def.noun+" update", def.noun+" update ID --set field=value... [-o FORMAT]",
		"Changes the given fields of a "+def.singular+" and shows the result.\n\n"+setHelp)
	b := body{}
	bodyFlags(fs, b)
	format := outputFlag(fs)
	id, err := parseID(fs, args, format)
	if err != nil {
		return err
	}
	if len(b) == 0 {
		return usageErrorf("%s update: nothing to change; give --set or --body", def.noun)
	}

	c, err := a.client()
	if err != nil {
		return err
	}
	o, err := def.get(c).Update(ctx, id, client.Fields(b))
	if err != nil {
		return err
	}
	return a.print(*format, o, recordTable)
}

func (def resourceDef) delete(ctx context.Context, a *app, args []string) error {
	fs := a.newFlagSet(def.noun+" delete", def.noun+" delete ID", "Deletes a "+def.singular+".")
	id, err := parseID(fs, args, nil)
	if err != nil {
		return err
	}

	c, err := a.client()
	if err != nil {
		return err
	}
	if err := def.get(c).Delete(ctx, id); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "Deleted %s %s.\n", def.singular, id)
	return nil
}

func runFiles(ctx context.Context, a *app, args []string) error {
	verbs := files.verbTable()
	verbs["upload"] = filesUpload
	verbs["download"] = filesDownload
	return subcommand(ctx, a, "files", args, verbs,
		[]string{"list", "get", "delete", "upload", "download"})
}

func filesUpload(ctx context.Context, a *app, args []string) error {
	fs := a.newFlagSet("files upload", "files upload PATH [--name NAME] [--temporary] [-o FORMAT]",
		"Uploads a file in chunks with the resumable protocol and prints the new file's id.")
	name := fs.String("name", "", "file name on the server (default: the base name of PATH)")
	temporary := fs.Bool("temporary", false, "let the server purge the file after the "+
		"tenant's temp_file_retention days")
	format := outputFlag(fs)
	path, err := parseID(fs, args, format)
	if err != nil {
		return err
	}
	if *name == "" {
		*name = filepath.Base(path)
	}

	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()

	c, err := a.client()
	if err != nil {
		return err
	}
	id, err := c.Files().Upload(ctx, *name, f, client.UploadOptions{Temporary: *temporary})
	if err != nil {
		return err
	}
	if *format == formatTable {
		fmt.Fprintln(a.stdout, id)
		return nil
	}
	return a.print(*format, map[string]string{"id": id}, recordTable)
}

func filesDownload(ctx context.Context, a *app, args []string) error {
	fs := a.newFlagSet("files download", "files download ID|KEY [--out PATH]",
		"Downloads a file, named by its id (as files upload prints it) or by its download key\n"+
			"(the last part of its URL, such as a tenant's avatar_file_url), to PATH, or to\n"+
			"standard output with --out -.")
	out := fs.String("out", "", "where to write the file (default: the name the server gives)")
	arg, err := parseID(fs, args, nil)
	if err != nil {
		return err
	}

	c, err := a.client()
	if err != nil {
		return err
	}
	key, err := downloadKey(ctx, c, arg)
	if err != nil {
		return err
	}
	if *out == "-" {
		_, err := c.Files().Download(ctx, key, a.stdout)
		return err
	}

	tmp, err := os.CreateTemp(".", ".tenantctl-download-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	served, err := c.Files().Download(ctx, key, tmp)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}

	dest := *out
	if dest == "" {
		dest = filepath.Base(served)
	}
	if dest == "" || dest == "." || dest == string(filepath.Separator) {
		dest = key
	}
	if err := os.Rename(tmp.Name(), dest); err != nil {
		return err
	}
	fmt.Fprintf(a.stderr, "Saved %s.\n", dest)
	return nil
}

// downloadKey returns the download key a files download argument names: a file id (all
// digits; download keys are longer and never only digits) is looked up for its url.
func downloadKey(ctx context.Context, c *client.Client, arg string) (string, error) {
	if strings.Trim(arg, "0123456789") != "" {
		return arg, nil
	}
	f, err := c.Files().Get(ctx, arg)
	if err != nil {
		return "", err
	}
	url, _ := f["url"].(string)
	if url == "" {
		return "", fmt.Errorf("file %s has no download url", arg)
	}
	return path.Base(url), nil
}
