//go:build goexperiment.jsonv2

package trivy_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/crank-platform/terraform-provider-crank/gate/scanners/trivy"
	"github.com/crank-platform/terraform-provider-crank/gate/scanners/trivy/trivytest"
	"github.com/crank-platform/terraform-provider-crank/gate/scanners/vuln"
	"github.com/crank-platform/terraform-provider-crank/gate/scanners/vuln/vulntest"
)

func ids(vs []vuln.Vulnerability) []string {
	var out []string
	for _, v := range vs {
		out = append(out, v.ID+" "+v.Package+" "+v.InstalledVersion+" "+v.FixedVersion+" "+v.Severity.String())
	}
	sort.Strings(out)
	return out
}

func TestRemoteServerScan(t *testing.T) {
	dir := t.TempDir()
	vulntest.WriteDB(t, dir, built)
	now := func() time.Time { return built.Add(time.Hour) }
	local, err := trivy.Open(trivy.Options{DBDir: dir, Offline: true, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	img := vulntest.DebianImage(t)
	want, err := local.ScanImage(context.Background(), img, "oci:fixture")
	if err != nil {
		t.Fatal(err)
	}
	if err := local.Close(); err != nil {
		t.Fatal(err)
	}
	url := trivytest.Server(t, dir, "s3cret-token")
	headers := http.Header{trivy.DefaultTokenHeader: {"s3cret-token"}}

	remote, err := trivy.Open(trivy.Options{Server: url, Headers: headers, MaxDBAge: 48 * time.Hour, Now: now})
	if err != nil {
		t.Fatalf("open remote: %v", err)
	}
	if !remote.Metadata.UpdatedAt.Equal(built) {
		t.Errorf("server DB metadata: %+v, want UpdatedAt %s", remote.Metadata, built)
	}
	got, err := remote.ScanImage(context.Background(), img, "oci:fixture")
	if err != nil {
		t.Fatalf("remote scan: %v", err)
	}
	if len(got) == 0 || strings.Join(ids(got), "\n") != strings.Join(ids(want), "\n") {
		t.Errorf("remote findings differ from local ones:\n got %v\nwant %v", ids(got), ids(want))
	}
	if err := remote.Close(); err != nil {
		t.Fatal(err)
	}

	// A wrong token fails the scan with what to do; never an empty result.
	bad, err := trivy.Open(trivy.Options{Server: url, Headers: http.Header{trivy.DefaultTokenHeader: {"wrong"}}, Now: now})
	if err != nil {
		t.Fatalf("open with a wrong token (the version probe is not authenticated): %v", err)
	}
	if vs, err := bad.ScanImage(context.Background(), img, "oci:fixture"); err == nil || !strings.Contains(err.Error(), "refused the token") {
		t.Errorf("wrong token: got %d findings, err %v", len(vs), err)
	}

	// The server's DB is held to the same age condition as a local one.
	_, err = trivy.Open(trivy.Options{Server: url, Headers: headers, MaxDBAge: 24 * time.Hour, Now: func() time.Time { return built.Add(72 * time.Hour) }})
	if !errors.Is(err, vuln.ErrDB) || !strings.Contains(err.Error(), "Trivy server") {
		t.Errorf("stale server DB: want ErrDB naming the server, got %v", err)
	}
}

func TestRemoteServerRefused(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + l.Addr().String()
	l.Close()
	for _, tc := range []struct {
		url, want string
		db        bool
	}{
		{closed, "cannot be reached", true},
		{"http://trivy.example.com:4954", "plain http is accepted for loopback hosts only", false},
		{"trivy.example.com:4954", "expected a URL", false},
	} {
		_, err := trivy.Open(trivy.Options{Server: tc.url})
		if err == nil || !strings.Contains(err.Error(), tc.want) || errors.Is(err, vuln.ErrDB) != tc.db {
			t.Errorf("%s: got %v, want %q (ErrDB %v)", tc.url, err, tc.want, tc.db)
		}
	}
}
