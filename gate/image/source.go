package image

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/cache"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// SourceOptions configure how an image reference is opened.
type SourceOptions struct {
	// Platform picks one image from a multi-platform index ("linux/arm64",
	// "linux/arm/v7"); empty means linux and the host architecture.
	Platform string
	// InsecureRegistry allows plain HTTP or an unverified certificate, and
	// only for loopback registries (a test registry on this machine).
	InsecureRegistry bool
	// CAFile adds PEM CA certificates to the system roots for registry TLS
	// (SSL_CERT_FILE works too: Go reads it for the system roots).
	CAFile string
	// Keychain resolves registry credentials; nil means the Docker config
	// ($DOCKER_CONFIG/config.json) and its credential helpers.
	Keychain authn.Keychain
	// TempDir is where a docker-daemon export is spooled; it must be
	// private to this process. Empty means a new os.MkdirTemp directory.
	TempDir string
	// DockerSocket overrides the daemon socket location (tests).
	DockerSocket string
	// Limits bound what reading the image's documents may cost (JSON
	// budget, manifests, archive members); zero fields take the defaults.
	Limits Limits
}

// Source is an opened image.
type Source struct {
	Image v1.Image
	// Annotations of the descriptor that selected the image (index entry).
	Annotations map[string]string
	// Local says the layers are read from disk (OCI layout, archive,
	// daemon export), so two readers cost no extra download.
	Local   bool
	cleanup func()
}

// Close removes what opening the image spooled to disk.
func (s *Source) Close() {
	if s.cleanup != nil {
		s.cleanup()
	}
}

// Transports lists the accepted reference forms, for usage text.
const Transports = "REGISTRY/REPO:TAG or REGISTRY/REPO@sha256:DIGEST (docker://REF to say registry explicitly), oci:DIR[:TAG] or oci:FILE.tar[:TAG], docker-archive:FILE.tar, docker-daemon:NAME:TAG, or a path on disk (a layout directory or an archive, detected by content)"

// Open resolves ref to one image. Nothing is downloaded beyond the
// manifest and configuration: layers are streamed later by Run.
func Open(ctx context.Context, ref string, opt SourceOptions) (*Source, error) {
	plat, err := platform(opt.Platform)
	if err != nil {
		return nil, err
	}
	opt.Limits = opt.Limits.withDefaults()
	var src *Source
	switch {
	case strings.HasPrefix(ref, "oci:"):
		p, tag := splitTag(strings.TrimPrefix(ref, "oci:"))
		src, err = openLocalPath(p, tag, "oci", plat, opt.Limits)
	case strings.HasPrefix(ref, "docker-archive:"):
		src, err = openLocalPath(strings.TrimPrefix(ref, "docker-archive:"), "", "docker-archive", plat, opt.Limits)
	case strings.HasPrefix(ref, "docker-daemon:"):
		src, err = openDaemon(ctx, strings.TrimPrefix(ref, "docker-daemon:"), plat, opt)
	case strings.HasPrefix(ref, "docker://"):
		return openRemote(ctx, strings.TrimPrefix(ref, "docker://"), plat, opt)
	default:
		local, err := isLocal(ref)
		if err != nil {
			return nil, err
		}
		if !local {
			return openRemote(ctx, ref, plat, opt)
		}
		src, err = openLocalPath(ref, "", "", plat, opt.Limits)
		if err != nil {
			return nil, err
		}
	}
	if err != nil {
		return nil, err
	}
	src.Local = true
	return src, nil
}

// splitTag separates oci:DIR:TAG; a path that exists as written wins
// (a directory name may hold a colon).
func splitTag(spec string) (string, string) {
	if _, err := os.Lstat(spec); err == nil {
		return spec, ""
	}
	if i := strings.LastIndex(spec, ":"); i > strings.LastIndex(spec, "/") {
		return spec[:i], spec[i+1:]
	}
	return spec, ""
}

// isLocal decides whether a reference without a transport prefix is a
// path on disk. A path that exists is local, and is never sent to a
// registry (a squatted name on Docker Hub must not be scanned in place of
// the file); when the same string is also a valid registry reference the
// user has to say which one is meant. A name that looks like an archive
// but does not exist is an error, not a registry lookup.
func isLocal(ref string) (bool, error) {
	_, statErr := os.Lstat(ref)
	// "./x", "../x" and "/x" are paths in Docker's reference grammar too
	// (a reference cannot start with "." or "/"), though go-containerregistry's
	// lenient parser accepts some of them.
	explicitPath := ref == "." || ref == ".." || strings.HasPrefix(ref, "/") || strings.HasPrefix(ref, "./") || strings.HasPrefix(ref, "../")
	if explicitPath {
		if statErr != nil {
			return false, fmt.Errorf("%s: %w (a path was given, and it does not exist)", ref, statErr)
		}
		return true, nil
	}
	_, parseErr := name.ParseReference(ref)
	switch {
	case statErr == nil && parseErr == nil:
		return false, fmt.Errorf("%q is ambiguous: it exists on disk and is also a registry reference; write oci:%s or docker-archive:%s (or ./%s) for the local image, or docker://%s for the registry", ref, ref, ref, ref, ref)
	case statErr == nil:
		return true, nil
	}
	for _, ext := range []string{".tar", ".tar.gz", ".tgz", ".oci"} {
		if strings.HasSuffix(ref, ext) {
			return false, fmt.Errorf("%s: %w; it looks like an image archive, so it is not looked up in a registry (write docker://%s if a registry is meant)", ref, statErr, ref)
		}
	}
	return false, nil
}

func platform(s string) (*v1.Platform, error) {
	if s == "" {
		p := &v1.Platform{OS: "linux", Architecture: runtime.GOARCH}
		if runtime.GOARCH == "arm64" {
			p.Variant = "v8"
		}
		return p, nil
	}
	p, err := v1.ParsePlatform(s)
	if err != nil || p.OS == "" || p.Architecture == "" {
		return nil, fmt.Errorf("--platform %q: expected OS/ARCH[/VARIANT], e.g. linux/amd64 or linux/arm/v7", s)
	}
	return p, nil
}

// matches compares os, architecture and (when asked for) variant;
// arm64's variant is optional in practice, so v8 matches an empty one.
func matches(have *v1.Platform, want *v1.Platform) bool {
	if have == nil || have.OS != want.OS || have.Architecture != want.Architecture {
		return false
	}
	if want.Variant == "" || have.Variant == want.Variant {
		return true
	}
	return want.Architecture == "arm64" && want.Variant == "v8" && have.Variant == ""
}

// pick selects the manifest for plat from an index's entries; the error
// lists what the index offers so the user can pass --platform.
func pick(descs []v1.Descriptor, plat *v1.Platform, what string) (*v1.Descriptor, error) {
	var avail []string
	for i := range descs {
		d := &descs[i]
		if d.Platform == nil || d.Platform.OS == "unknown" {
			continue // attestation manifests
		}
		if matches(d.Platform, plat) {
			return d, nil
		}
		avail = append(avail, d.Platform.String())
	}
	if len(avail) == 0 {
		return nil, fmt.Errorf("%s is a multi-platform index without platform information; pick an image by digest", what)
	}
	return nil, fmt.Errorf("%s has no image for platform %s; available: %s (choose one with --platform)", what, plat, strings.Join(avail, ", "))
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

// indexNode is one index on the way down to an image: a registry's (where
// go-containerregistry verifies what it fetches) or a local layout's.
type indexNode interface {
	// child reads the nested index d names and returns it with its entries.
	child(d v1.Descriptor) (indexNode, []v1.Descriptor, error)
	image(d v1.Descriptor) (v1.Image, error)
}

// resolveIndex follows an index (possibly nested) down to one image.
func resolveIndex(n indexNode, descs []v1.Descriptor, plat *v1.Platform, what string) (*Source, error) {
	for depth := 0; depth < 4; depth++ {
		d, err := choose(descs, plat, what)
		if err != nil {
			return nil, err
		}
		if d.MediaType.IsIndex() {
			c, manifests, err := n.child(*d)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", what, err)
			}
			if len(manifests) == 1 {
				// A one-image index still has to suit the platform.
				if p := manifests[0].Platform; p != nil && p.OS != "unknown" && !matches(p, plat) {
					return nil, fmt.Errorf("%s has no image for platform %s; available: %s (choose one with --platform)", what, plat, p)
				}
			}
			n, descs = c, manifests
			continue
		}
		if !d.MediaType.IsImage() && d.MediaType != "" {
			return nil, fmt.Errorf("%s: %s is a %s, not an image", what, d.Digest, d.MediaType)
		}
		img, err := n.image(*d)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", what, err)
		}
		return &Source{Image: img, Annotations: d.Annotations}, nil
	}
	return nil, fmt.Errorf("%s: indexes nested too deeply", what)
}

// choose picks the one entry of an index, or the one for plat.
func choose(descs []v1.Descriptor, plat *v1.Platform, what string) (*v1.Descriptor, error) {
	switch len(descs) {
	case 0:
		return nil, fmt.Errorf("%s contains no image", what)
	case 1:
		return &descs[0], nil
	}
	return pick(descs, plat, what)
}

// remoteIndex is an index read from a registry.
type remoteIndex struct{ idx v1.ImageIndex }

func (r remoteIndex) child(d v1.Descriptor) (indexNode, []v1.Descriptor, error) {
	child, err := r.idx.ImageIndex(d.Digest)
	if err != nil {
		return nil, nil, fmt.Errorf("cannot read nested index %s: %w", d.Digest, err)
	}
	im, err := child.IndexManifest()
	if err != nil {
		return nil, nil, fmt.Errorf("cannot read nested index %s: %w", d.Digest, err)
	}
	return remoteIndex{child}, im.Manifests, nil
}

func (r remoteIndex) image(d v1.Descriptor) (v1.Image, error) {
	img, err := r.idx.Image(d.Digest)
	if err != nil {
		return nil, fmt.Errorf("cannot read image %s: %w", d.Digest, err)
	}
	return img, nil
}

// openDaemon exports the image with the docker CLI into a private spool
// file: the daemon API client would pull the Docker engine's Go modules
// into the gate, and the CLI honours DOCKER_HOST and contexts.
func openDaemon(ctx context.Context, ref string, plat *v1.Platform, opt SourceOptions) (*Source, error) {
	sock := opt.DockerSocket
	if sock == "" {
		sock = "/var/run/docker.sock"
		if h := os.Getenv("DOCKER_HOST"); strings.HasPrefix(h, "unix://") {
			sock = strings.TrimPrefix(h, "unix://")
		}
	}
	if h := os.Getenv("DOCKER_HOST"); opt.DockerSocket == "" && h != "" && !strings.HasPrefix(h, "unix://") {
		sock = "" // tcp:// or ssh:// daemons: let the CLI connect
	}
	if sock != "" {
		if st, err := os.Stat(sock); err != nil || st.Mode()&os.ModeSocket == 0 {
			return nil, fmt.Errorf("docker-daemon:%s: no Docker daemon socket at %s; start the daemon, set DOCKER_HOST, or export the image (docker save -o img.tar %s) and scan docker-archive:img.tar", ref, sock, ref)
		}
	}
	if _, err := exec.LookPath("docker"); err != nil {
		return nil, fmt.Errorf("docker-daemon:%s: the docker CLI is not on PATH; export the image with docker save and scan docker-archive:FILE.tar", ref)
	}
	dir := opt.TempDir
	cleanup := func() {}
	if dir == "" {
		d, err := os.MkdirTemp("", "crank-gate-image-")
		if err != nil {
			return nil, fmt.Errorf("docker-daemon:%s: cannot create a private temp dir: %w", ref, err)
		}
		dir, cleanup = d, func() { os.RemoveAll(d) }
	}
	file := filepath.Join(dir, "image.tar")
	cmd := exec.CommandContext(ctx, "docker", "save", "-o", file, ref)
	if out, err := cmd.CombinedOutput(); err != nil {
		cleanup()
		return nil, fmt.Errorf("docker-daemon:%s: docker save failed: %v: %s", ref, err, strings.TrimSpace(string(out)))
	}
	src, err := openLocalPath(file, "", "docker-archive", plat, opt.Limits)
	if err != nil {
		cleanup()
		return nil, err
	}
	closeFile := src.cleanup
	src.cleanup = func() {
		if closeFile != nil {
			closeFile()
		}
		cleanup()
	}
	return src, nil
}

// IsLoopback reports whether a registry host (with optional port) is this
// machine: the only place an unverified connection is acceptable.
func IsLoopback(registry string) bool {
	host := registry
	if h, _, err := net.SplitHostPort(registry); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func openRemote(ctx context.Context, ref string, plat *v1.Platform, opt SourceOptions) (*Source, error) {
	var nopts []name.Option
	r, err := name.ParseReference(ref)
	if err != nil {
		return nil, fmt.Errorf("%q is not an image reference (%s): %w", ref, Transports, err)
	}
	reg := r.Context().RegistryStr()
	if opt.InsecureRegistry {
		if !IsLoopback(reg) {
			return nil, fmt.Errorf("--insecure-registry is only allowed for loopback registries (localhost, 127.0.0.1, ::1), not %s; give the registry's CA with --ca-file or SSL_CERT_FILE instead", reg)
		}
		nopts = append(nopts, name.Insecure)
		if r, err = name.ParseReference(ref, nopts...); err != nil {
			return nil, err
		}
	}
	rt, err := registryTransport(opt)
	if err != nil {
		return nil, err
	}
	kc := opt.Keychain
	if kc == nil {
		kc = authn.DefaultKeychain
	}
	ropts := []remote.Option{remote.WithContext(ctx), remote.WithAuthFromKeychain(kc), remote.WithTransport(rt)}
	desc, err := remote.Get(r, ropts...)
	if err != nil {
		return nil, registryError(ref, reg, err)
	}
	if desc.Size > opt.Limits.MaxJSONBytes {
		return nil, jsonLimit(ref+" manifest", desc.Size, opt.Limits.MaxJSONBytes)
	}
	if desc.MediaType.IsIndex() {
		idx, err := desc.ImageIndex()
		if err != nil {
			return nil, registryError(ref, reg, err)
		}
		im, err := idx.IndexManifest()
		if err != nil {
			return nil, registryError(ref, reg, err)
		}
		if len(im.Manifests) > opt.Limits.MaxManifests {
			return nil, &errLimit{fmt.Sprintf("%s lists %d manifests, above the budget of %d (max-manifests); raise it with --max-manifests if the index is legitimate", ref, len(im.Manifests), opt.Limits.MaxManifests)}
		}
		src, err := resolveIndex(remoteIndex{idx}, im.Manifests, plat, ref)
		if err != nil {
			return nil, registryError(ref, reg, err)
		}
		return readOnce(src, opt)
	}
	if desc.MediaType != types.DockerManifestSchema2 && desc.MediaType != types.OCIManifestSchema1 {
		return nil, fmt.Errorf("%s is a %s, which the gate cannot scan (expected an image manifest or index)", ref, desc.MediaType)
	}
	img, err := desc.Image()
	if err != nil {
		return nil, registryError(ref, reg, err)
	}
	// The configuration is fetched whole: its declared size is held to
	// the JSON budget first (the registry client verifies the bytes).
	if mf, err := img.Manifest(); err == nil && mf.Config.Size > opt.Limits.MaxJSONBytes {
		return nil, jsonLimit(ref+" configuration", mf.Config.Size, opt.Limits.MaxJSONBytes)
	}
	return readOnce(&Source{Image: img, Annotations: desc.Annotations}, opt)
}

// readOnce keeps each layer of a registry image, as it is first fetched, in
// a private temporary directory, so the engines that read the image after
// the checks' pass (Trivy) read it from disk instead of downloading it
// again. The blobs are stored compressed and removed by Close.
func readOnce(src *Source, opt SourceOptions) (*Source, error) {
	dir, err := os.MkdirTemp(opt.TempDir, "crank-gate-layers-")
	if err != nil {
		return nil, fmt.Errorf("creating a private directory for layers: %w", err)
	}
	src.Image = cache.Image(src.Image, cache.NewFilesystemCache(dir))
	previous := src.cleanup
	src.cleanup = func() {
		if previous != nil {
			previous()
		}
		_ = os.RemoveAll(dir)
	}
	return src, nil
}

// registryTransport verifies TLS (system roots plus --ca-file) and
// refuses plain HTTP unless --insecure-registry was accepted for a
// loopback host: go-containerregistry would otherwise fall back to HTTP
// for private (RFC 1918) addresses.
func registryTransport(opt SourceOptions) (http.RoundTripper, error) {
	base := remote.DefaultTransport.(*http.Transport).Clone()
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if opt.CAFile != "" {
		pem, err := os.ReadFile(opt.CAFile)
		if err != nil {
			return nil, fmt.Errorf("--ca-file: %w", err)
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("--ca-file %s holds no PEM certificate", opt.CAFile)
		}
	}
	base.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12, InsecureSkipVerify: opt.InsecureRegistry} //nolint:gosec // only reachable for loopback hosts, checked in openRemote
	return httpsOnly{next: base, allowHTTP: opt.InsecureRegistry}, nil
}

type httpsOnly struct {
	next      http.RoundTripper
	allowHTTP bool
}

func (h httpsOnly) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Scheme != "https" && !(h.allowHTTP && IsLoopback(req.URL.Host)) {
		return nil, fmt.Errorf("refusing plain HTTP to %s: registries must use TLS (--insecure-registry is accepted for loopback registries only)", req.URL.Host)
	}
	return h.next.RoundTrip(req)
}

// registryError rewrites registry failures into what to do about them.
func registryError(ref, reg string, err error) error {
	var te *transport.Error
	if errors.As(err, &te) {
		switch {
		case te.StatusCode == http.StatusUnauthorized || hasCode(te, transport.UnauthorizedErrorCode):
			return fmt.Errorf("registry %s refused the credentials for %s (401 unauthorized): log in with docker login %s, or check DOCKER_CONFIG and the credential helper; %w", reg, ref, reg, err)
		case te.StatusCode == http.StatusForbidden || hasCode(te, transport.DeniedErrorCode):
			return fmt.Errorf("registry %s denied access to %s (403): the credentials lack pull permission on the repository; %w", reg, ref, err)
		case te.StatusCode == http.StatusNotFound || hasCode(te, transport.ManifestUnknownErrorCode) || hasCode(te, transport.NameUnknownErrorCode):
			return fmt.Errorf("%s not found in registry %s: no such repository, tag or digest (check the name, or push it first); %w", ref, reg, err)
		}
	}
	var ue x509.UnknownAuthorityError
	var he x509.HostnameError
	var ce *tls.CertificateVerificationError
	if errors.As(err, &ue) || errors.As(err, &he) || errors.As(err, &ce) {
		return fmt.Errorf("TLS verification of registry %s failed: give its CA with --ca-file or SSL_CERT_FILE (never disable verification); %w", reg, err)
	}
	return fmt.Errorf("cannot read %s from registry %s: %w", ref, reg, err)
}

func hasCode(te *transport.Error, code transport.ErrorCode) bool {
	for _, d := range te.Errors {
		if d.Code == code {
			return true
		}
	}
	return false
}
