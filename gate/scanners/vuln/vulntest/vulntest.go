// Package vulntest builds, fully offline, a tiny Trivy vulnerability DB
// and small images whose packages match it. The DB is written the way
// ../shared/TOOLCHAIN.md describes (bolt-fixtures YAML plus trivy-db's own
// metadata API), so the Trivy CLI accepts the same fixture for side-by-side
// benchmarks. Nothing here imports Trivy itself, so it builds without
// GOEXPERIMENT=jsonv2.
package vulntest

import (
	"archive/tar"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	fixtures "github.com/aquasecurity/bolt-fixtures"
	"github.com/aquasecurity/trivy-db/pkg/metadata"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// Advisories in the fixture DB. The ids are deliberately in the future so
// they can never be mistaken for real advisories.
const (
	// OpenSSLFixed is HIGH with a fix: the gate must fail on it.
	OpenSSLFixed = "CVE-2099-1001"
	// OpenSSLNoFix is CRITICAL without a fix: fixable-only skips it.
	OpenSSLNoFix = "CVE-2099-1002"
	// ZlibMedium is MEDIUM with a fix: below the HIGH threshold.
	ZlibMedium = "CVE-2099-1003"
	// OpenSSLFixedVersion is where the fixture says OpenSSLFixed is fixed.
	OpenSSLFixedVersion = "3.0.11-1~deb12u2"
	// OpenSSLVulnerableVersion is the version DebianImage installs.
	OpenSSLVulnerableVersion = "3.0.11-1~deb12u1"
)

const dbYAML = `- bucket: "debian 12"
  pairs:
    - bucket: openssl
      pairs:
        - key: ` + OpenSSLFixed + `
          value:
            FixedVersion: "` + OpenSSLFixedVersion + `"
        - key: ` + OpenSSLNoFix + `
          value:
            FixedVersion: ""
            Status: 5
    - bucket: zlib
      pairs:
        - key: ` + ZlibMedium + `
          value:
            FixedVersion: "1:1.2.13.dfsg-2"
- bucket: data-source
  pairs:
    - key: "debian 12"
      value:
        ID: debian
        Name: Debian Security Tracker
        URL: https://salsa.debian.org/security-tracker-team/security-tracker
- bucket: vulnerability
  pairs:
    - key: ` + OpenSSLFixed + `
      value:
        Title: "openssl: fixture buffer overflow in the X.509 parser"
        Severity: HIGH
        VendorSeverity:
          debian: 3
    - key: ` + OpenSSLNoFix + `
      value:
        Title: "openssl: fixture flaw without a fix"
        Severity: CRITICAL
        VendorSeverity:
          debian: 4
    - key: ` + ZlibMedium + `
      value:
        Title: "zlib: fixture medium flaw"
        Severity: MEDIUM
        VendorSeverity:
          debian: 2
`

// WriteDB writes cacheDir/db/trivy.db and cacheDir/db/metadata.json (the
// Trivy cache layout) with the fixture advisories, built at updatedAt.
// It returns the db directory.
func WriteDB(t testing.TB, cacheDir string, updatedAt time.Time) string {
	t.Helper()
	dbDir := filepath.Join(cacheDir, "db")
	if err := os.MkdirAll(dbDir, 0o755); err != nil {
		t.Fatal(err)
	}
	yml := filepath.Join(t.TempDir(), "fixture.yaml")
	if err := os.WriteFile(yml, []byte(dbYAML), 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := fixtures.New(filepath.Join(dbDir, "trivy.db"), []string{yml})
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Load(); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	err = metadata.NewClient(dbDir).Update(metadata.Metadata{
		Version:      2,
		UpdatedAt:    updatedAt,
		NextUpdate:   updatedAt.Add(24 * time.Hour),
		DownloadedAt: updatedAt,
	})
	if err != nil {
		t.Fatal(err)
	}
	return dbDir
}

// DpkgStatus lists openssl at the vulnerable version and zlib (fixture
// MEDIUM) in a Debian 12 status file.
const DpkgStatus = `Package: libssl3
Status: install ok installed
Priority: optional
Section: libs
Installed-Size: 6000
Maintainer: Debian OpenSSL Team <pkg-openssl-devel@alioth-lists.debian.net>
Architecture: amd64
Multi-Arch: same
Source: openssl
Version: ` + OpenSSLVulnerableVersion + `
Description: Secure Sockets Layer toolkit - shared libraries

Package: openssl
Status: install ok installed
Priority: optional
Section: utils
Installed-Size: 2000
Maintainer: Debian OpenSSL Team <pkg-openssl-devel@alioth-lists.debian.net>
Architecture: amd64
Version: ` + OpenSSLVulnerableVersion + `
Description: Secure Sockets Layer toolkit - cryptographic utility

Package: zlib1g
Status: install ok installed
Priority: optional
Section: libs
Installed-Size: 160
Maintainer: Mark Brown <broonie@debian.org>
Architecture: amd64
Multi-Arch: same
Source: zlib
Version: 1:1.2.13.dfsg-1
Description: compression library - runtime

`

// File is one regular file in a layer.
type File struct {
	Path string
	Body string
	Mode int64
}

// Layer makes an uncompressed-in-memory layer from files.
func Layer(t testing.TB, files ...File) v1.Layer {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, f := range files {
		mode := f.Mode
		if mode == 0 {
			mode = 0o644
		}
		if err := tw.WriteHeader(&tar.Header{Name: f.Path, Mode: mode, Size: int64(len(f.Body)), Typeflag: tar.TypeReg, ModTime: time.Unix(1700000000, 0)}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(f.Body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil })
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// DebianImage is a Debian 12 image whose dpkg status has the vulnerable
// openssl, running as uid 1000; extra layers are appended on top.
func DebianImage(t testing.TB, extra ...v1.Layer) v1.Image {
	t.Helper()
	base := Layer(t,
		File{Path: "etc/os-release", Body: "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\nVERSION_CODENAME=bookworm\nID=debian\n"},
		File{Path: "etc/debian_version", Body: "12.5\n"},
		File{Path: "var/lib/dpkg/status", Body: DpkgStatus},
	)
	img, err := mutate.AppendLayers(empty.Image, append([]v1.Layer{base}, extra...)...)
	if err != nil {
		t.Fatal(err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture = "linux", "amd64"
	cf.Config.User = "1000:1000"
	cf.Config.Entrypoint = []string{"/app"}
	img, err = mutate.ConfigFile(img, cf)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// WriteOCI writes img as an OCI image layout in dir, tagged tag.
func WriteOCI(t testing.TB, dir string, img v1.Image, tag string) {
	t.Helper()
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.AppendImage(img, layout.WithAnnotations(map[string]string{"org.opencontainers.image.ref.name": tag})); err != nil {
		t.Fatal(err)
	}
}

// PatchedDebianImage is DebianImage after an upgrade: openssl at the fixed
// version, so only the no-fix and MEDIUM advisories remain.
func PatchedDebianImage(t testing.TB) v1.Image {
	t.Helper()
	patched := strings.ReplaceAll(DpkgStatus, OpenSSLVulnerableVersion, OpenSSLFixedVersion)
	return DebianImage(t, Layer(t, File{Path: "var/lib/dpkg/status", Body: patched}))
}
