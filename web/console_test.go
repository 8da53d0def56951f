package web_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image/png"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// tenantDetail is the part of the tenant object the browser tests check.
type tenantDetail struct {
	ID            string  `json:"id"`
	Name          string  `json:"name"`
	Domain        string  `json:"domain"`
	Website       *string `json:"website"`
	Currency      string  `json:"currency"`
	Region        string  `json:"region"`
	Enabled       bool    `json:"enabled"`
	MaxExtensions int     `json:"max_extensions"`
	MaxCallQueues int     `json:"max_call_queues"`
	AvatarName    *string `json:"avatar_file_name"`
	OfficeHours   map[string]struct {
		Enabled bool `json:"enabled"`
		Ranges  []struct {
			From string `json:"from"`
			To   string `json:"to"`
		} `json:"ranges"`
	} `json:"office_hours"`
}

type seedTenant struct {
	name, domain, currency, region, zone string
}

var seed = []seedTenant{
	{"Acme Telecom", "pbx.acme.example", "CHF", "CHE", "Europe/Zurich"},
	{"Bergmann & Söhne", "voip.bergmann.example", "EUR", "DEU", "Europe/Berlin"},
	{"Café Lumière", "sip.lumiere.example", "EUR", "FRA", "Europe/Paris"},
	{"Delta Logistics", "pbx.delta.example", "USD", "USA", "America/Chicago"},
	{"Evergreen Clinics", "sip.evergreen.example", "CAD", "CAN", "America/Toronto"},
	{"Fjord Shipping", "pbx.fjord.example", "NOK", "NOR", "Europe/Oslo"},
	{"Globex Support", "support.globex.example", "USD", "USA", "America/New_York"},
	{"Harbour Dental", "sip.harbour.example", "AUD", "AUS", "Australia/Sydney"},
	{"Iberia Contact", "pbx.iberia.example", "EUR", "ESP", "Europe/Madrid"},
	{"Juniper Legal", "voice.juniper.example", "GBP", "GBR", "Europe/London"},
	{"Kestrel Hotels", "pbx.kestrel.example", "EUR", "AUT", "Europe/Vienna"},
	{"Lotus Trading", "sip.lotus.example", "JPY", "JPN", "Asia/Tokyo"},
}

func seedTenants(t *testing.T, s *server) {
	for i, st := range seed {
		body := map[string]any{"name": st.name, "domain": st.domain, "currency": st.currency,
			"region": st.region, "timezone": st.zone, "max_extensions": 50 * (i + 1)}
		if i%5 == 3 {
			body["enabled"] = false
		}
		s.call(t, "POST", "/api/tenants", body, http.StatusCreated, nil)
	}
}

// TestConsole walks an operator's day through the console in headless Chromium against a
// real tenantd: sign in, browse, create with a mistake, fix it, edit, disable, search,
// delete; and it checks every outcome through the API, not only on the screen.
func TestConsole(t *testing.T) {
	ctx := newBrowser(t)
	s := startServer(t)
	seedTenants(t, s)
	shots := screenshotDir(t)

	run(t, ctx, "open the console",
		chromedp.EmulateViewport(1366, 768),
		chromedp.Navigate(s.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(`#username`)))

	// A wrong password is refused on the page; the right one opens the tenant list.
	run(t, ctx, "sign in with a wrong password",
		chromedp.SendKeys(chromedp.CSS(`#username`), "admin"),
		chromedp.SendKeys(chromedp.CSS(`#password`), "not-the-password"+kb.Enter),
		waitJS(`document.querySelector('#signin-error').textContent !== ''`))
	wantText(t, ctx, `#signin-error`, "The user name or password is wrong.")
	run(t, ctx, "sign in",
		clear(`#password`),
		chromedp.SendKeys(chromedp.CSS(`#password`), adminPassword+kb.Enter),
		chromedp.WaitVisible(chromedp.CSS(`table.list tbody tr[data-id]`)))
	wantText(t, ctx, `#count`, fmt.Sprintf("1–%d of %d tenants", len(seed), len(seed)))
	wantJS(t, ctx, `sessionStorage.getItem('access_token') !== null`, true)
	screenshot(t, ctx, shots, "console-tenants.png")

	// Sorting by a header reverses the order and says so to assistive technology.
	names := make([]string, len(seed))
	for i, st := range seed {
		names[i] = st.name
	}
	slices.Sort(names)
	run(t, ctx, "sort by name, descending",
		chromedp.Click(chromedp.CSS(`button[data-sort="name"]`)),
		waitJS(`document.querySelector('th[aria-sort]')?.getAttribute('aria-sort') === 'descending'`))
	run(t, ctx, "wait for the reversed list", waitJS(fmt.Sprintf(
		`document.querySelector('table.list tbody tr td a')?.textContent === %q`,
		names[len(names)-1])))

	// A quick filter narrows the list; a malformed free filter is named beside its box.
	euros := 0
	for _, st := range seed {
		if st.currency == "EUR" {
			euros++
		}
	}
	run(t, ctx, "filter by currency",
		chromedp.SendKeys(chromedp.CSS(`#quick-currency`), "eur"+kb.Enter),
		waitText(`#count`, fmt.Sprintf("1–%d of %d tenants", euros, euros)))
	run(t, ctx, "enter a malformed filter",
		chromedp.SendKeys(chromedp.CSS(`#filter`), "name eq"+kb.Enter),
		chromedp.WaitVisible(chromedp.CSS(`#filter-error`)))
	wantJS(t, ctx, `document.querySelector('#filter').getAttribute('aria-invalid')`, "true")
	run(t, ctx, "clear the filters",
		clear(`#filter`), clear(`#quick-currency`),
		chromedp.SendKeys(chromedp.CSS(`#search`), kb.Enter),
		waitText(`#count`, fmt.Sprintf("1–%d of %d tenants", len(seed), len(seed))))

	id := createTenant(t, ctx, s, shots)
	editTenant(t, ctx, s, id, shots)
	searchAndDelete(t, ctx, s, id)
	pagesInProgress(t, ctx, s)
	sessionEnds(t, ctx)
}

// createTenant submits the form with mistakes, checks that each server error appears next
// to its field (nested ones included) and that nothing was created, then fixes them.
func createTenant(t *testing.T, ctx context.Context, s *server, shots string) string {
	t.Helper()

	run(t, ctx, "open the new tenant form",
		chromedp.Click(chromedp.CSS(`a[href="#/tenants/new"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-path="name"]`)))
	run(t, ctx, "fill the form with mistakes",
		chromedp.SendKeys(chromedp.CSS(`[data-path="domain"]`), "not a domain!"),
		clear(`[data-path="timezone"]`),
		chromedp.SendKeys(chromedp.CSS(`[data-path="timezone"]`), "Europe/Berlin"),
		chromedp.SendKeys(chromedp.CSS(`[data-path="currency"]`), "eur"),
		chromedp.SendKeys(chromedp.CSS(`[data-path="region"]`), "deu"),
		clear(`[data-path="office_hours.monday.ranges[0].from"]`),
		chromedp.SendKeys(chromedp.CSS(`[data-path="office_hours.monday.ranges[0].from"]`), "19:00"),
		chromedp.Click(chromedp.CSS(`[data-path="cdr_event.enabled"]`)),
		chromedp.SendKeys(chromedp.CSS(`[data-path="name"]`), "Browser Co"+kb.Enter),
		chromedp.WaitVisible(chromedp.CSS(`.summary`)))

	for path, want := range map[string]string{
		"domain":                        "", // the reason comes from the domain rules
		"office_hours.monday.ranges[0]": "from must be before to",
		"cdr_event.url":                 "is required when the event push is enabled",
	} {
		sel := fmt.Sprintf(`[data-error-for=%q]`, path)
		run(t, ctx, "see the error of "+path, chromedp.WaitVisible(chromedp.CSS(sel)))
		got := read(t, ctx, chromedp.Text(chromedp.CSS(sel)))
		if got == "" || want != "" && got != want {
			t.Errorf("error beside %s = %q, want %q", path, got, want)
		}
	}
	wantJS(t, ctx, `document.querySelector('[data-path="domain"]').getAttribute('aria-invalid')`,
		"true")
	wantJS(t, ctx, `document.activeElement === document.querySelector('.summary')`, true)
	wantJS(t, ctx, `document.querySelector('[data-path="office_hours.monday.ranges[0].from"]')`+
		`.getAttribute('aria-invalid')`, "true")
	screenshot(t, ctx, shots, "console-tenant-errors.png")

	var none struct{ Count int }
	s.call(t, "GET", "/api/tenants?search=Browser", nil, http.StatusOK, &none)
	if none.Count != 0 {
		t.Fatalf("a rejected form created %d tenants", none.Count)
	}

	run(t, ctx, "correct the mistakes and create",
		clear(`[data-path="domain"]`),
		chromedp.SendKeys(chromedp.CSS(`[data-path="domain"]`), "browser.example.com"),
		clear(`[data-path="office_hours.monday.ranges[0].from"]`),
		chromedp.SendKeys(chromedp.CSS(`[data-path="office_hours.monday.ranges[0].from"]`), "08:00"),
		chromedp.Click(chromedp.CSS(`[data-path="cdr_event.enabled"]`)),
		chromedp.Click(chromedp.CSS(`.toolbar button[type=submit]`)),
		waitJS(`/^#\/tenants\/\d+$/.test(location.hash)`),
		chromedp.WaitVisible(chromedp.CSS(`#state`)))

	hash := read(t, ctx, chromedp.Evaluate[string](`location.hash`))
	id := strings.TrimPrefix(hash, "#/tenants/")
	var got tenantDetail
	s.call(t, "GET", "/api/tenants/"+id, nil, http.StatusOK, &got)
	if got.Name != "Browser Co" || got.Domain != "browser.example.com" ||
		got.Currency != "EUR" || got.Region != "DEU" || !got.Enabled {
		t.Errorf("created tenant = %+v", got)
	}
	if r := got.OfficeHours["monday"].Ranges; len(r) != 1 || r[0].From != "08:00" {
		t.Errorf("created office hours on monday = %+v", r)
	}
	return id
}

// editTenant changes two fields while the API changes a third: a partial update must keep
// the third, which proves the form sends only what the person changed.
func editTenant(t *testing.T, ctx context.Context, s *server, id, shots string) {
	t.Helper()

	s.call(t, "POST", "/api/tenants/"+id, map[string]any{"max_call_queues": 7},
		http.StatusOK, nil)
	run(t, ctx, "change the limit and the website",
		clear(`[data-path="max_extensions"]`),
		chromedp.SendKeys(chromedp.CSS(`[data-path="max_extensions"]`), "250"),
		chromedp.SendKeys(chromedp.CSS(`[data-path="website"]`), "https://browser.example.com"+kb.Enter),
		waitText(`#toast`, "Saved."))

	var got tenantDetail
	s.call(t, "GET", "/api/tenants/"+id, nil, http.StatusOK, &got)
	if got.MaxExtensions != 250 || got.Website == nil ||
		*got.Website != "https://browser.example.com" {
		t.Errorf("after the edit: max_extensions %d, website %v", got.MaxExtensions, got.Website)
	}
	if got.MaxCallQueues != 7 {
		t.Errorf("max_call_queues = %d: the form overwrote a field it did not change",
			got.MaxCallQueues)
	}

	run(t, ctx, "scroll to the top and dismiss the message",
		chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0); `+
			`document.getElementById('toast').textContent = ''`))
	screenshot(t, ctx, shots, "console-tenant-form.png")

	run(t, ctx, "disable the tenant",
		chromedp.Click(chromedp.CSS(`.toolbar button.secondary`)),
		waitText(`#state`, "disabled"))
	s.call(t, "GET", "/api/tenants/"+id, nil, http.StatusOK, &got)
	if got.Enabled {
		t.Error("the tenant is still enabled after Disable")
	}
	wantJS(t, ctx, `document.querySelector('[data-path="enabled"]').checked`, false)

	logo(t, ctx, s, id)
}

// logo checks the logo upload: a real upload with a full progress bar where the server
// offers /api/blobs, and a disabled control with a message where it does not.
func logo(t *testing.T, ctx context.Context, s *server, id string) {
	t.Helper()

	res, err := http.Get(s.URL + "/api/blobs/uploads")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()

	if res.StatusCode == http.StatusNotFound {
		run(t, ctx, "see uploads unavailable",
			waitJS(`document.querySelector('#logo-status').textContent.includes('not available')`))
		wantJS(t, ctx, `document.querySelector('#logo-file').disabled`, true)
		return
	}

	file := filepath.Join(t.TempDir(), "logo.png")
	var img bytes.Buffer
	img.Write(pngHeader)
	img.Write(bytes.Repeat([]byte{7}, 600<<10)) // several chunks
	if err := os.WriteFile(file, img.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	run(t, ctx, "upload a logo",
		chromedp.SetUploadFiles(chromedp.CSS(`#logo-file`), []string{file}),
		chromedp.Click(chromedp.CSS(`form.logo button[type=submit]`)),
		waitText(`#logo-status`, "The logo is uploaded."))
	wantJS(t, ctx, `document.querySelector('#logo-progress').value`, float64(100))
	var got tenantDetail
	s.call(t, "GET", "/api/tenants/"+id, nil, http.StatusOK, &got)
	if got.AvatarName == nil || *got.AvatarName != "logo.png" {
		t.Errorf("avatar_file_name = %v, want logo.png", got.AvatarName)
	}
}

var pngHeader = []byte{0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}

// searchAndDelete finds the tenant by search, then deletes it through the confirmation
// dialog, after first backing out of the dialog with Escape.
func searchAndDelete(t *testing.T, ctx context.Context, s *server, id string) {
	t.Helper()

	row := fmt.Sprintf(`tr[data-id=%q]`, id)
	run(t, ctx, "search for the tenant",
		chromedp.Click(chromedp.CSS(`a.back`)),
		chromedp.WaitVisible(chromedp.CSS(`#search`)),
		chromedp.SendKeys(chromedp.CSS(`#search`), "browser"+kb.Enter),
		waitText(`#count`, "1–1 of 1 tenants"),
		chromedp.WaitVisible(chromedp.CSS(row)))
	wantText(t, ctx, row+` td a`, "Browser Co")

	run(t, ctx, "open and cancel the dialog with Escape",
		chromedp.Click(chromedp.CSS(row+` button.danger`)),
		chromedp.WaitVisible(chromedp.CSS(`dialog#confirm[open]`)),
		chromedp.KeyEvent(kb.Escape),
		waitJS(`!document.querySelector('dialog#confirm').open`))
	s.call(t, "GET", "/api/tenants/"+id, nil, http.StatusOK, nil)

	run(t, ctx, "delete through the dialog",
		chromedp.Click(chromedp.CSS(row+` button.danger`)),
		chromedp.WaitVisible(chromedp.CSS(`dialog#confirm[open]`)),
		chromedp.Click(chromedp.CSS(`dialog#confirm button[value=confirm]`)),
		waitText(`#count`, "0–0 of 0 tenants"))
	s.call(t, "GET", "/api/tenants/"+id, nil, http.StatusNotFound, nil)
}

// pagesInProgress checks the dealers and users pages: where the server lacks the endpoint,
// the page says so plainly.
func pagesInProgress(t *testing.T, ctx context.Context, s *server) {
	t.Helper()

	for _, page := range []struct{ link, api, title string }{
		{"#/dealers", "/api/dealers", "Dealers"},
		{"#/users", "/api/users", "Users"},
	} {
		req, _ := http.NewRequest("GET", s.URL+page.api, nil)
		req.Header.Set("Authorization", "Bearer "+s.token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()

		run(t, ctx, "open "+page.title,
			chromedp.Click(chromedp.CSS(fmt.Sprintf(`#topbar a[href=%q]`, page.link))),
			waitText(`main h1`, page.title))
		if res.StatusCode == http.StatusNotFound {
			run(t, ctx, page.title+" unavailable", waitText(`.notice p`,
				page.title+" are not available on this server."))
		} else {
			run(t, ctx, page.title+" list", chromedp.WaitVisible(chromedp.CSS(`table.list`)))
		}
	}
	createDealer(t, ctx, s)
}

// createDealer fills the new dealer form. Where the server has no dealers yet the form says
// so on submit; where it has, the dealer must exist afterwards.
func createDealer(t *testing.T, ctx context.Context, s *server) {
	t.Helper()

	req, _ := http.NewRequest("GET", s.URL+"/api/dealers", nil)
	req.Header.Set("Authorization", "Bearer "+s.token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()

	run(t, ctx, "open the new dealer form",
		chromedp.Evaluate[chromedp.Void](`location.hash = '#/dealers/new'`),
		chromedp.WaitVisible(chromedp.CSS(`[data-path="name"]`)),
		chromedp.SendKeys(chromedp.CSS(`[data-path="password"]`), "dealer-password-1"),
		chromedp.SendKeys(chromedp.CSS(`[data-path="display_name"]`), "North Reseller"),
		chromedp.SendKeys(chromedp.CSS(`[data-path="name"]`), "northreseller"+kb.Enter))
	if res.StatusCode == http.StatusNotFound {
		run(t, ctx, "see dealers unavailable",
			waitText(`.notice p`, "Dealers are not available on this server."))
		return
	}

	run(t, ctx, "see the dealer created", waitJS(`/^#\/dealers\/\d+$/.test(location.hash)`))
	id := strings.TrimPrefix(read(t, ctx, chromedp.Evaluate[string](`location.hash`)),
		"#/dealers/")
	var got struct {
		Name        string `json:"name"`
		DisplayName string `json:"display_name"`
	}
	s.call(t, "GET", "/api/dealers/"+id, nil, http.StatusOK, &got)
	if got.Name != "northreseller" || got.DisplayName != "North Reseller" {
		t.Errorf("created dealer = %+v", got)
	}
}

// sessionEnds checks the token handling: a dead access token is refreshed once without the
// person noticing; when the refresh token is dead too, the sign-in page comes back.
func sessionEnds(t *testing.T, ctx context.Context) {
	t.Helper()

	run(t, ctx, "lose the access token",
		chromedp.Evaluate[chromedp.Void](`sessionStorage.setItem('access_token', 'expired')`),
		chromedp.Click(chromedp.CSS(`#topbar a[href="#/tenants"]`)),
		waitJS(`/ of \d+ tenants$/.test(document.querySelector('#count')?.textContent)`))
	wantJS(t, ctx, `sessionStorage.getItem('access_token') !== 'expired'`, true)

	run(t, ctx, "lose both tokens",
		chromedp.Evaluate[chromedp.Void](`sessionStorage.setItem('access_token', 'expired'); `+
			`sessionStorage.setItem('refresh_token', 'expired')`),
		chromedp.Click(chromedp.CSS(`button[data-sort="domain"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#username`)),
		waitText(`form.signin .notice`, "Your session has ended. Please sign in again."))
	wantJS(t, ctx, `sessionStorage.getItem('refresh_token')`, nil)
}

// TestConsoleSHA256 checks the console's own SHA-256, which signs uploads, against Go's on
// lengths around the block and padding boundaries, fed whole and in odd-sized pieces.
func TestConsoleSHA256(t *testing.T) {
	ctx := newBrowser(t)
	s := startServer(t)

	lengths := []int{0, 1, 3, 55, 56, 63, 64, 65, 119, 120, 128, 1000, 300_007}
	var want []string
	for _, n := range lengths {
		sum := sha256.Sum256(pattern(n))
		want = append(want, hex.EncodeToString(sum[:]))
	}

	script := fmt.Sprintf(`import('/js/sha256.js').then(({ SHA256 }) => {
		const data = (n) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + 7) %% 251);
		return %s.flatMap((n) => {
			const bytes = data(n);
			const whole = new SHA256().update(bytes).hex();
			const pieces = new SHA256();
			for (let i = 0; i < n; i += 77) pieces.update(bytes.subarray(i, i + 77));
			return [whole, pieces.hex()];
		});
	})`, strings.ReplaceAll(fmt.Sprint(lengths), " ", ","))

	run(t, ctx, "open the console", chromedp.Navigate(s.URL+"/"))
	got := read(t, ctx, chromedp.Evaluate[[]string](script, chromedp.EvalAwaitPromise))
	for i, n := range lengths {
		if got[2*i] != want[i] || got[2*i+1] != want[i] {
			t.Errorf("sha256 of %d bytes: whole %s, in pieces %s, want %s",
				n, got[2*i], got[2*i+1], want[i])
		}
	}
}

func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte((i*31 + 7) % 251)
	}
	return b
}

// screenshotDir is where screenshots go: docs/ when TENANTD_UPDATE_SCREENSHOTS is set (to
// refresh the committed ones), else a temporary directory, so that every run still takes
// and checks them.
func screenshotDir(t *testing.T) string {
	if os.Getenv("TENANTD_UPDATE_SCREENSHOTS") != "" {
		return filepath.Join("..", "docs")
	}
	return t.TempDir()
}

// screenshot saves the viewport as a PNG and checks that it is one of the laptop's size.
func screenshot(t *testing.T, ctx context.Context, dir, name string) {
	t.Helper()

	buf := read(t, ctx, chromedp.CaptureScreenshot())
	img, err := png.Decode(bytes.NewReader(buf))
	if err != nil {
		t.Fatalf("%s is not a PNG: %v", name, err)
	}
	if b := img.Bounds(); b.Dx() != 1366 || b.Dy() != 768 {
		t.Errorf("%s is %dx%d, want 1366x768", name, b.Dx(), b.Dy())
	}
	if err := os.WriteFile(filepath.Join(dir, name), buf, 0o644); err != nil {
		t.Fatal(err)
	}
}

// waitJS waits until the expression is truthy in the page.
func waitJS(expr string) chromedp.Action[chromedp.Void] {
	return chromedp.Poll[chromedp.Void](expr)
}

// waitText waits until the element's trimmed text is exactly want.
func waitText(sel, want string) chromedp.Action[chromedp.Void] {
	return waitJS(fmt.Sprintf(`(document.querySelector(%q)?.textContent ?? '').trim() === %q`,
		sel, want))
}

func wantText(t *testing.T, ctx context.Context, sel, want string) {
	t.Helper()
	got := read(t, ctx, chromedp.Text(chromedp.CSS(sel)))
	if got != want {
		t.Errorf("%s reads %q, want %q", sel, got, want)
	}
}

func wantJS(t *testing.T, ctx context.Context, expr string, want any) {
	t.Helper()
	got := read(t, ctx, chromedp.Evaluate[any](expr))
	if got != want {
		t.Errorf("%s = %#v, want %#v", expr, got, want)
	}
}

// read runs one action that produces a value and returns it, failing the test on error.
func read[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatalf("browser: %v", err)
	}
	return v
}

// clear empties an input the way a person selecting its text and deleting it would, input
// event included. (SetValue cannot set an empty value.)
func clear(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => {
		const el = document.querySelector(%q);
		el.value = '';
		el.dispatchEvent(new Event('input', { bubbles: true }));
	})()`, sel))
}
