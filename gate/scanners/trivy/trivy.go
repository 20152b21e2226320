//go:build goexperiment.jsonv2

package trivy

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	trivydb "github.com/aquasecurity/trivy-db/pkg/db"
	dbtypes "github.com/aquasecurity/trivy-db/pkg/types"
	"github.com/aquasecurity/trivy/pkg/cache"
	tdb "github.com/aquasecurity/trivy/pkg/db"
	"github.com/aquasecurity/trivy/pkg/fanal/analyzer"
	"github.com/aquasecurity/trivy/pkg/fanal/applier"
	"github.com/aquasecurity/trivy/pkg/fanal/artifact"
	artimage "github.com/aquasecurity/trivy/pkg/fanal/artifact/image"
	ftypes "github.com/aquasecurity/trivy/pkg/fanal/types"
	"github.com/aquasecurity/trivy/pkg/log"
	"github.com/aquasecurity/trivy/pkg/rpc/client"
	"github.com/aquasecurity/trivy/pkg/scan"
	"github.com/aquasecurity/trivy/pkg/scan/langpkg"
	"github.com/aquasecurity/trivy/pkg/scan/local"
	"github.com/aquasecurity/trivy/pkg/scan/ospkg"
	"github.com/aquasecurity/trivy/pkg/types"
	"github.com/aquasecurity/trivy/pkg/vulnerability"
	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/crank-platform/terraform-provider-crank/gate/scanners/vuln"
)

var _ vuln.Scanner = (*Scanner)(nil)

// Options configure the adapter.
type Options struct {
	// DBDir holds trivy.db and metadata.json (a Trivy cache dir also works).
	DBDir string
	// MaxDBAge refuses a DB built longer ago than this; 0 accepts any age.
	MaxDBAge time.Duration
	// Offline never touches the network: no DB download and no analyzer
	// that calls out (Maven Central for jars, Rekor for SBOMs).
	Offline bool
	// Parallel is the number of layers analysed at once (0: Trivy's default).
	Parallel int
	Now      func() time.Time
	// Server is a Trivy server ("trivy server") to match packages against
	// its DB, for teams that share one: the image is still analysed here,
	// only package lists go to the server, and no local DB is opened.
	// https is required except for loopback hosts.
	Server string
	// Headers go with every request to Server (the token header).
	Headers http.Header
}

// Scanner scans go-containerregistry images with Trivy's analyzers and
// detectors. Trivy keeps the DB in a package-level handle, so one process
// holds one DB; Open and Close serialise on dbMu.
type Scanner struct {
	opts     Options
	Metadata vuln.DBMetadata
}

var dbMu sync.Mutex

// Open checks the DB (existence, schema, age) and opens it read-only.
// Errors wrap vuln.ErrDB, which the CLI maps to exit code 3.
func Open(opts Options) (*Scanner, error) {
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	if opts.Server != "" {
		return openServer(opts, now())
	}
	dir := vuln.ResolveDBDir(opts.DBDir)
	md, err := vuln.CheckDB(dir, opts.MaxDBAge, now())
	if err != nil {
		return nil, err
	}
	// Trivy logs to the default slog logger; the gate owns stderr.
	log.InitLogger(false, true)
	dbMu.Lock()
	if err := tdb.Init(dir); err != nil {
		dbMu.Unlock()
		return nil, fmt.Errorf("%w: cannot open %s: %v", vuln.ErrDB, trivydb.Path(dir), err)
	}
	return &Scanner{opts: opts, Metadata: md}, nil
}

// Close releases the DB so another Scanner can open one.
func (s *Scanner) Close() error {
	if s.opts.Server != "" {
		return nil
	}
	defer dbMu.Unlock()
	return tdb.Close()
}

// ScanImage runs the OS (dpkg, apk, rpm, ...) and language package
// analyzers over img and matches the packages against the DB.
func (s *Scanner) ScanImage(ctx context.Context, img v1.Image, name string) ([]vuln.Vulnerability, error) {
	var (
		c       cache.ArtifactCache
		backend scan.Backend
	)
	if s.opts.Server != "" {
		c = cache.NewRemoteCache(ctx, cache.RemoteOptions{ServerAddr: s.opts.Server, CustomHeaders: s.opts.Headers})
		backend = client.NewService(client.ServiceOption{RemoteURL: s.opts.Server, CustomHeaders: s.opts.Headers})
	} else {
		mem := cache.NewMemoryCache()
		c = mem
		backend = local.NewService(applier.NewApplier(mem), ospkg.NewScanner(), langpkg.NewScanner(), vulnerability.NewClient(trivydb.Config{}))
	}
	disabled := []analyzer.Type{analyzer.TypeSecret, analyzer.TypeLicenseFile, analyzer.TypeHistoryDockerfile,
		analyzer.TypeExecutable, analyzer.TypeRpmArchive, analyzer.TypeApkCommand,
		// Jars need Trivy's separate Java DB (and Maven Central when offline
		// is off); crank-gate ships no Java DB, so they are left out.
		analyzer.TypeJar}
	disabled = append(disabled, analyzer.TypeConfigFiles...)
	// Like `trivy image`: lock files in an image are build leftovers, the
	// installed packages are what runs.
	disabled = append(disabled, analyzer.TypeLockfiles...)
	art, err := artimage.NewArtifact(namedImage{Image: img, name: name}, c, artifact.Option{
		DisabledAnalyzers: disabled,
		Parallel:          s.opts.Parallel,
		NoProgress:        true,
		Offline:           s.opts.Offline,
	})
	if err != nil {
		return nil, fmt.Errorf("preparing image %s for the vulnerability scan: %w", name, err)
	}
	svc := scan.NewService(backend, art)
	rep, err := svc.ScanArtifact(ctx, types.ScanOptions{
		PkgTypes:         []string{types.PkgTypeOS, types.PkgTypeLibrary},
		PkgRelationships: ftypes.Relationships,
		Scanners:         types.Scanners{types.VulnerabilityScanner},
		// The CLI's default: the vendor's severity for its own packages,
		// falling back to NVD; without it every severity is UNKNOWN.
		VulnSeveritySources: []dbtypes.SourceID{"auto"},
	})
	// An image read from disk verifies every blob as it streams; Trivy may
	// log a reader's error and go on, so ask the image whether any reader
	// saw unverified bytes: then nothing from this scan counts.
	if v, ok := img.(interface{ VerifyError() error }); ok {
		if verr := v.VerifyError(); verr != nil {
			return nil, fmt.Errorf("image %s: verification failed: %w", name, verr)
		}
	}
	if err != nil {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return nil, err
		}
		if s.opts.Server != "" {
			return nil, serverError(s.opts.Server, name, err)
		}
		return nil, fmt.Errorf("vulnerability scan of %s: %w", name, err)
	}
	var out []vuln.Vulnerability
	for _, r := range rep.Results {
		path := packageDBPath(r)
		for _, v := range r.Vulnerabilities {
			sev, _ := vuln.ParseSeverity(v.Severity)
			out = append(out, vuln.Vulnerability{
				ID:               v.VulnerabilityID,
				Package:          v.PkgName,
				InstalledVersion: v.InstalledVersion,
				FixedVersion:     fixedVersion(v),
				Severity:         sev,
				Title:            v.Title,
				Target:           r.Target,
				Path:             firstNonEmpty(v.PkgPath, path),
				Class:            string(r.Class),
				PkgType:          string(r.Type),
				LayerDiff:        v.Layer.DiffID,
			})
		}
	}
	return out, nil
}

// fixedVersion treats "will not fix" and similar states as not fixable
// even when a vendor filled in a version string.
func fixedVersion(v types.DetectedVulnerability) string {
	switch v.Status {
	case dbtypes.StatusWillNotFix, dbtypes.StatusFixDeferred, dbtypes.StatusEndOfLife, dbtypes.StatusAffected:
		return ""
	}
	return v.FixedVersion
}

// packageDBPath names the file the packages were read from, so SARIF
// results carry a file location even for OS packages.
func packageDBPath(r types.Result) string {
	if r.Class == types.ClassOSPkg {
		switch r.Type {
		case ftypes.Alpine, ftypes.Wolfi, ftypes.Chainguard:
			return "lib/apk/db/installed"
		case ftypes.RedHat, ftypes.CentOS, ftypes.Rocky, ftypes.Alma, ftypes.Fedora, ftypes.Amazon, ftypes.Oracle, ftypes.OpenSUSELeap, ftypes.SLES, ftypes.Azure, ftypes.CBLMariner:
			return "var/lib/rpm/Packages"
		}
		return "var/lib/dpkg/status"
	}
	return strings.TrimPrefix(r.Target, "/")
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return strings.TrimPrefix(a, "/")
	}
	return b
}

// namedImage adds the naming methods Trivy's artifact needs to a plain
// go-containerregistry image.
type namedImage struct {
	v1.Image
	name string
}

func (n namedImage) Name() string { return n.name }

func (n namedImage) ID() (string, error) {
	h, err := n.ConfigName()
	if err != nil {
		return "", err
	}
	return h.String(), nil
}

func (n namedImage) RepoTags() []string    { return nil }
func (n namedImage) RepoDigests() []string { return nil }

// DefaultDBDir is the DB under Trivy's own cache dir.
func DefaultDBDir() string { return tdb.Dir(vuln.DefaultCacheDir(os.Getenv)) }
