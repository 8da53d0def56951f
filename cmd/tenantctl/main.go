// Command tenantctl manages a tenantd server from the shell: sign in once, then list, read,
// create, change and delete tenants, dealers, users and files. Run tenantctl --help.
package main

import "os"

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}
