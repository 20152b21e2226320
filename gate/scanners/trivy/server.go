//go:build goexperiment.jsonv2

package trivy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/aquasecurity/trivy/pkg/log"
	"github.com/twitchtv/twirp"

	"github.com/crank-platform/terraform-provider-crank/gate/image"
	"github.com/crank-platform/terraform-provider-crank/gate/scanners/vuln"
)

// serverTimeout bounds the version probe; scans use Trivy's client timeout.
const serverTimeout = 30 * time.Second

// openServer checks that the server answers and that its DB passes the
// same schema and age conditions as a local one; a server that cannot be
// reached or whose DB is stale is a DB failure (exit 3), never a scan
// without CVEs.
func openServer(opts Options, now time.Time) (*Scanner, error) {
	u, err := url.Parse(opts.Server)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, fmt.Errorf("Trivy server %q: expected a URL such as https://trivy.internal:4954", opts.Server)
	}
	if u.Scheme == "http" && !image.IsLoopback(u.Host) {
		return nil, fmt.Errorf("Trivy server %s: plain http is accepted for loopback hosts only; package lists and the token would cross the network in clear: serve it over https", opts.Server)
	}
	log.InitLogger(false, true)
	md, err := serverDB(u, opts.Headers)
	if err != nil {
		return nil, err
	}
	if err := vuln.CheckMetadata(md, "Trivy server "+opts.Server, opts.MaxDBAge, now); err != nil {
		return nil, err
	}
	opts.Server = strings.TrimSuffix(u.String(), "/")
	return &Scanner{opts: opts, Metadata: md}, nil
}

// serverDB reads the DB metadata from the server's /version endpoint.
func serverDB(u *url.URL, headers http.Header) (vuln.DBMetadata, error) {
	var md vuln.DBMetadata
	ctx, cancel := context.WithTimeout(context.Background(), serverTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.ResolveReference(&url.URL{Path: "version"}).String(), http.NoBody)
	if err != nil {
		return md, fmt.Errorf("%w: Trivy server %s: %v", vuln.ErrDB, u, err)
	}
	for k, vs := range headers {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return md, fmt.Errorf("%w: Trivy server %s cannot be reached: %v: check the URL and that `trivy server` is running", vuln.ErrDB, u, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return md, fmt.Errorf("%w: Trivy server %s: reading /version: %v", vuln.ErrDB, u, err)
	}
	if resp.StatusCode != http.StatusOK {
		return md, fmt.Errorf("%w: Trivy server %s answered %s to /version: is it a Trivy server?", vuln.ErrDB, u, resp.Status)
	}
	var info struct {
		VulnerabilityDB *vuln.DBMetadata
	}
	if err := json.Unmarshal(body, &info); err != nil {
		return md, fmt.Errorf("%w: Trivy server %s: /version is not Trivy's JSON: %v", vuln.ErrDB, u, err)
	}
	if info.VulnerabilityDB == nil {
		return md, fmt.Errorf("%w: Trivy server %s reports no vulnerability DB: let it download one (or give it --cache-dir with a DB)", vuln.ErrDB, u)
	}
	return *info.VulnerabilityDB, nil
}

// serverError says what to do about a failed remote scan.
func serverError(server, name string, err error) error {
	var te twirp.Error
	if errors.As(err, &te) && te.Code() == twirp.Unauthenticated {
		return fmt.Errorf("vulnerability scan of %s: Trivy server %s refused the token: set TRIVY_TOKEN to the server's --token (sent in header %q unless TRIVY_TOKEN_HEADER names another)", name, server, DefaultTokenHeader)
	}
	return fmt.Errorf("vulnerability scan of %s on Trivy server %s: %w", name, server, err)
}

// DefaultTokenHeader is the header "trivy server --token" checks.
const DefaultTokenHeader = "Trivy-Token"
