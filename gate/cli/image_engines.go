package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"runtime/debug"
	"time"

	"github.com/crank-platform/terraform-provider-crank/gate/check"
	"github.com/crank-platform/terraform-provider-crank/gate/image"
	"github.com/crank-platform/terraform-provider-crank/gate/scanners/vuln"
	"github.com/crank-platform/terraform-provider-crank/gate/secrets"
)

// imageEngines holds the flags of the engines "crank-gate image" shares its
// single read with: gitleaks for file contents, ENV, labels and history, and
// Trivy for vulnerabilities.
type imageEngines struct {
	noVulns     *bool
	dbDir       *string
	maxDBAge    *time.Duration
	severity    *string
	fixableOnly *bool
	gitleaks    *string
	server      *string
}

func imageEngineFlags(fs *flag.FlagSet) *imageEngines {
	return &imageEngines{
		noVulns:     fs.Bool("no-vulns", false, "skip the vulnerability scan (no DB needed)"),
		dbDir:       fs.String("db-dir", "", "Trivy DB directory (holding trivy.db) or cache dir (default $TRIVY_CACHE_DIR, else Trivy's cache dir); never downloaded"),
		maxDBAge:    fs.Duration("max-db-age", 0, "fail with exit 3 when the DB is older than this (e.g. 72h; 0 accepts any age)"),
		severity:    fs.String("severity", "LOW", "lowest CVE severity reported: UNKNOWN, LOW, MEDIUM, HIGH, CRITICAL"),
		fixableOnly: fs.Bool("fixable-only", false, "report only vulnerabilities with a fixed version"),
		gitleaks:    fs.String("gitleaks-config", "", "gitleaks TOML config for secret detection (default: gitleaks' built-in rules)"),
		server:      fs.String("trivy-server", "", "Trivy server URL (trivy server) whose DB matches the packages instead of a local DB; token from $TRIVY_TOKEN (header $TRIVY_TOKEN_HEADER, default Trivy-Token)"),
	}
}

// open builds the engines into c and returns what releases them. The exit
// code is ExitDB when the vulnerability DB is missing or stale.
func (e *imageEngines) open(ctx context.Context, c *ImageCommand, env Env) (func(), int, error) {
	content, err := e.contentScanner(ctx)
	if err != nil {
		return nil, ExitError, err
	}
	c.Content = content
	if *e.noVulns {
		return func() {}, ExitPass, nil
	}
	sev, err := vuln.ParseSeverity(*e.severity)
	if err != nil {
		return nil, ExitError, fmt.Errorf("--severity: %w", err)
	}
	opener := vulnOpener(env)
	if opener == nil {
		return nil, ExitError, errors.New("this build has no vulnerability scanning (build with GOEXPERIMENT=jsonv2, as `make build` does), or pass --no-vulns")
	}
	dir := *e.dbDir
	if dir == "" {
		dir = vuln.DefaultCacheDir(env.Getenv)
	}
	scanner, closeScanner, err := opener(check.VulnDB{Dir: dir, MaxAge: *e.maxDBAge, Offline: true, Server: *e.server})
	if err != nil {
		code := ExitError
		if errors.Is(err, vuln.ErrDB) {
			code = ExitDB
		}
		return nil, code, fmt.Errorf("%w (pass --no-vulns to check the image without CVEs)", err)
	}
	c.Vuln = vuln.ImageScanner{Scanner: scanner, Filter: vuln.Filter{MinSeverity: sev, FixableOnly: *e.fixableOnly}}
	return func() { _ = closeScanner() }, ExitPass, nil
}

// contentScanner builds the gitleaks detector. A user's config is loaded
// before anything else so its errors stop the run at once; the built-in
// rules cannot fail to load, so they compile in the background (about 50 ms
// of regular expressions) while the image is opened and its first layers
// are read, and the first file to scan waits for them.
func (e *imageEngines) contentScanner(ctx context.Context) (image.ContentScanner, error) {
	if *e.gitleaks != "" {
		cfg, err := secrets.LoadConfig(*e.gitleaks)
		if err != nil {
			return nil, fmt.Errorf("--gitleaks-config: %w", err)
		}
		return secrets.NewDetector(ctx, cfg).ForImage(ctx), nil
	}
	l := &lazyContent{ready: make(chan struct{})}
	// Building the rules allocates about 20 MB that is garbage at once,
	// while the heap is still small: with the default GC target that is
	// several collections on the path to the first file. A looser target
	// for those 40 ms saves them; memory stays bounded by the next one.
	old := debug.SetGCPercent(400)
	go func() {
		defer close(l.ready)
		defer debug.SetGCPercent(old)
		cfg, err := secrets.LoadConfig("")
		if err != nil {
			panic("crank-gate: gitleaks' built-in rules do not load: " + err.Error())
		}
		l.scanner = secrets.NewDetector(ctx, cfg).ForImage(ctx)
	}()
	return l, nil
}

// lazyContent is a ContentScanner whose detector is still being built.
type lazyContent struct {
	ready   chan struct{}
	scanner image.ContentScanner
}

func (l *lazyContent) ScanContent(path string, content []byte) []image.Secret {
	<-l.ready
	return l.scanner.ScanContent(path, content)
}
