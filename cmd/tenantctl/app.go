package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/tenantd/tenantd/client"
)

// Exit codes. Scripts may rely on them; they are listed in the help and the README.
const (
	exitOK       = 0 // success
	exitUsage    = 1 // bad command line
	exitInvalid  = 2 // the server refused the input (VALIDATE_FAILED)
	exitNotFound = 3 // no such record
	exitAuth     = 4 // not logged in, bad credentials, or not allowed
	exitConflict = 5 // conflict, such as a taken domain
	exitOther    = 6 // any other server or network failure
)

const usage = `tenantctl manages a tenantd server.

Usage:
  tenantctl login --server URL --user NAME [--domain DOMAIN] [--password-stdin]
  tenantctl logout
  tenantctl whoami
  tenantctl tenants list|get|create|update|delete [flags]
  tenantctl dealers list|get|create|update|delete [flags]
  tenantctl users   list|get|create|update|delete [flags]
  tenantctl audit   list [flags]
  tenantctl files   list|get|delete|upload|download [flags]

Run "tenantctl COMMAND --help" for the flags of a command; for instance
"tenantctl tenants create --help" lists a flag for every tenant field.

Output: -o table (default), -o json or -o yaml on every command that prints a record.

Login stores the tokens in %s
(mode 0600) and renews them by itself; logout revokes and removes them.

Exit codes:
  0  success
  1  bad command line (unknown command or flag, missing argument)
  2  the server refused the input; each bad field is named on stderr
  3  the record does not exist (or is not visible to you)
  4  not logged in, wrong credentials, expired session, or not allowed
  5  conflict, such as a domain another tenant already uses
  6  any other failure: server error, network, local file
`

// app is one run of tenantctl; its fields are what the program touches outside itself.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	configDir      func() (string, error)
	httpClient     *http.Client

	// fieldFlag names the flag that sets a field of a server error, or ""; commands with
	// field flags set it.
	fieldFlag func(field string) string
}

// run executes tenantctl with args (without the program name) and returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	return newApp(os.Stdin, stdout, stderr).run(args)
}

// newApp returns an app that reads the process's environment and config directory.
func newApp(stdin io.Reader, stdout, stderr io.Writer) *app {
	return &app{
		stdin: stdin, stdout: stdout, stderr: stderr,
		getenv: os.Getenv, configDir: os.UserConfigDir,
		httpClient: &http.Client{Timeout: 60 * time.Second},
	}
}

// command is one subcommand: its name, a line of help and what it does with its arguments.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, a *app, args []string) error
}

func commands() []command {
	return []command{
		{"login", "sign in and store the tokens", runLogin},
		{"logout", "revoke and forget the stored tokens", runLogout},
		{"whoami", "show the signed-in account", runWhoami},
		{"tenants", "manage tenants", runTenants},
		{"dealers", "manage dealers", resourceCommand(dealers)},
		{"users", "manage the users of the current tenant", resourceCommand(users)},
		{"audit", "read the audit log", resourceCommand(audit)},
		{"files", "manage the current tenant's files", runFiles},
	}
}

func (a *app) run(args []string) int {
	if len(args) == 0 || isHelp(args[0]) || args[0] == "help" {
		fmt.Fprintf(a.stdout, usage, a.credentialsPathForHelp())
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}

	for _, c := range commands() {
		if c.name == args[0] {
			return a.finish(c.run(context.Background(), a, args[1:]))
		}
	}
	return a.finish(usageErrorf("unknown command %q; run tenantctl --help", args[0]))
}

func isHelp(s string) bool {
	return s == "-h" || s == "-help" || s == "--help"
}

// finish reports err on stderr and maps it to an exit code.
func (a *app) finish(err error) int {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return exitOK
	}

	var usageErr *usageError
	var apiErr *client.Error
	switch {
	case errors.As(err, &usageErr):
		fmt.Fprintln(a.stderr, "tenantctl:", usageErr.msg)
		return exitUsage
	case errors.As(err, &apiErr):
		a.reportAPIError(apiErr)
		return apiExitCode(apiErr)
	case errors.Is(err, client.ErrSignedOut), errors.Is(err, errNotLoggedIn):
		fmt.Fprintln(a.stderr, "tenantctl: not logged in; run tenantctl login")
		return exitAuth
	}
	fmt.Fprintln(a.stderr, "tenantctl:", err)
	return exitOther
}

func apiExitCode(e *client.Error) int {
	switch e.Status {
	case http.StatusBadRequest, http.StatusRequestEntityTooLarge:
		return exitInvalid
	case http.StatusNotFound:
		return exitNotFound
	case http.StatusUnauthorized, http.StatusForbidden:
		return exitAuth
	case http.StatusConflict, http.StatusPreconditionFailed:
		return exitConflict
	}
	return exitOther
}

// reportAPIError prints the server's message and one line per rejected field, naming the
// flag that sets it where there is one.
func (a *app) reportAPIError(e *client.Error) {
	fmt.Fprintf(a.stderr, "tenantctl: %s (%s, HTTP %d)\n", e.Message, e.Code, e.Status)
	for _, f := range e.Fields {
		name := f.Field
		if a.fieldFlag != nil {
			if flagName := a.fieldFlag(f.Field); flagName != "" {
				name = "--" + flagName + " (" + f.Field + ")"
			}
		}
		fmt.Fprintf(a.stderr, "  %s: %s\n", name, f.Reason)
	}
	if e.Status >= 500 && e.RequestID != "" {
		fmt.Fprintf(a.stderr, "  request id: %s\n", e.RequestID)
	}
}

// usageError is a mistake on the command line.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usageErrorf(format string, args ...any) error {
	return &usageError{fmt.Sprintf(format, args...)}
}

// newFlagSet returns a flag set that reports errors instead of exiting, with a usage text
// made of a synopsis line and a description.
func (a *app) newFlagSet(name, synopsis, description string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	a.setUsage(fs, synopsis, description, nil)
	return fs
}

// setUsage makes --help print the synopsis, the description and the flags: those named in
// first in that order, under their own heading, then the others alphabetically.
func (a *app) setUsage(fs *flag.FlagSet, synopsis, description string, first []string) {
	fs.Usage = func() {
		w := a.stdout
		fmt.Fprintf(w, "Usage: tenantctl %s\n\n%s\n", synopsis, description)

		done := map[string]bool{}
		if len(first) > 0 {
			fmt.Fprint(w, "\nTenant fields:\n")
			for _, name := range first {
				if f := fs.Lookup(name); f != nil {
					printFlag(w, f)
					done[name] = true
				}
			}
		}
		fmt.Fprint(w, "\nFlags:\n")
		fs.VisitAll(func(f *flag.Flag) {
			if !done[f.Name] {
				printFlag(w, f)
			}
		})
	}
}

// printFlag writes one flag as "  --name TYPE" and its help on the next line.
func printFlag(w io.Writer, f *flag.Flag) {
	placeholder, help := flag.UnquoteUsage(f)
	if fv, ok := f.Value.(*fieldValue); ok {
		placeholder = [...]string{kindString: "text", kindBool: "", kindInt: "n",
			kindJSON: "JSON"}[fv.f.kind]
	}
	dash := "--"
	if len(f.Name) == 1 {
		dash = "-"
	}
	line := "  " + dash + f.Name
	if placeholder != "" {
		line += " " + placeholder
	}
	if f.DefValue != "" && f.DefValue != "0" && f.DefValue != "false" {
		help += " (default " + f.DefValue + ")"
	}
	fmt.Fprintf(w, "%s\n      %s\n", line, help)
}

// parseArgs parses flags that may come before, between or after positional arguments, and
// returns the positional ones. A flag error is a usage error; --help is flag.ErrHelp.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, &usageError{err.Error()}
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		if args[0] == "--" {
			return append(positional, args[1:]...), nil
		}
		positional, args = append(positional, args[0]), args[1:]
	}
}

// wantArgs checks the number of positional arguments.
func wantArgs(got []string, names ...string) error {
	if len(got) != len(names) {
		if len(names) == 0 {
			return usageErrorf("unexpected argument %q", got[0])
		}
		return usageErrorf("want %s, got %d argument(s)", strings.Join(names, " "), len(got))
	}
	return nil
}

// subcommand picks a verb out of args and runs it from the given table.
func subcommand(ctx context.Context, a *app, noun string, args []string,
	verbs map[string]func(context.Context, *app, []string) error, order []string) error {
	if len(args) == 0 || isHelp(args[0]) {
		fmt.Fprintf(a.stdout, "Usage: tenantctl %s %s [flags]\n\nRun tenantctl %s VERB --help "+
			"for the flags of each verb.\n", noun, strings.Join(order, "|"), noun)
		if len(args) == 0 {
			return usageErrorf("%s needs one of: %s", noun, strings.Join(order, ", "))
		}
		return nil
	}
	verb, ok := verbs[args[0]]
	if !ok {
		return usageErrorf("unknown verb %q for %s; want one of: %s", args[0], noun,
			strings.Join(order, ", "))
	}
	return verb(ctx, a, args[1:])
}
