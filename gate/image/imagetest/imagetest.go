// Package imagetest builds real container images in memory for tests of
// the image gate and of the scanners that plug into it (vulnerabilities,
// secrets). Images are assembled with go-containerregistry's mutate
// package from tar layers written here, so tests need no registry, no
// daemon and no fixtures on disk.
package imagetest

import (
	"archive/tar"
	"bytes"
	"io"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// File is one tar entry. Type defaults to a regular file (a directory
// when Path ends in "/"); Mode defaults to 0644 (0755 for directories).
type File struct {
	Path string
	Body string
	Mode int64
	Type byte
	Link string
	UID  int
}

// Dir is a directory entry with a mode.
func Dir(p string, mode int64) File { return File{Path: p, Type: tar.TypeDir, Mode: mode} }

// Symlink is a symbolic link entry.
func Symlink(p, target string) File { return File{Path: p, Type: tar.TypeSymlink, Link: target} }

// Whiteout deletes p (from lower layers) in the layer it is part of.
func Whiteout(p string) File {
	return File{Path: filepath.Join(filepath.Dir(p), ".wh."+filepath.Base(p))}
}

// Tar writes entries as an uncompressed tar stream, in order.
func Tar(t testing.TB, files ...File) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, f := range files {
		h := &tar.Header{Name: f.Path, Mode: f.Mode, Typeflag: f.Type, Linkname: f.Link, Uid: f.UID, ModTime: time.Unix(1700000000, 0), Format: tar.FormatPAX}
		if h.Typeflag == 0 {
			h.Typeflag = tar.TypeReg
			if len(f.Path) > 0 && f.Path[len(f.Path)-1] == '/' {
				h.Typeflag = tar.TypeDir
			}
		}
		if h.Mode == 0 {
			h.Mode = 0o644
			if h.Typeflag == tar.TypeDir {
				h.Mode = 0o755
			}
		}
		if h.Typeflag == tar.TypeReg {
			h.Size = int64(len(f.Body))
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatalf("tar header %s: %v", f.Path, err)
		}
		if h.Typeflag == tar.TypeReg {
			if _, err := io.WriteString(tw, f.Body); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// RawLayer makes a gzip-compressed layer of arbitrary tar bytes, hostile
// or corrupt ones included.
func RawLayer(t testing.TB, tarBytes []byte) v1.Layer {
	t.Helper()
	l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(tarBytes)), nil
	}, tarball.WithMediaType(types.OCILayer))
	if err != nil {
		t.Fatalf("layer: %v", err)
	}
	return l
}

// Layer makes a layer holding files.
func Layer(t testing.TB, files ...File) v1.Layer { return RawLayer(t, Tar(t, files...)) }

// Step is one build step: the history line a builder would record and
// the layer it made (nil for metadata-only steps such as ENV).
type Step struct {
	CreatedBy string
	Layer     v1.Layer
}

// Build assembles an OCI image from steps, then applies cfg and, when
// given, manifest annotations.
func Build(t testing.TB, cfg v1.Config, annotations map[string]string, steps ...Step) v1.Image {
	t.Helper()
	img := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	for _, s := range steps {
		h := v1.History{CreatedBy: s.CreatedBy, Created: v1.Time{Time: time.Unix(1700000000, 0)}}
		if s.Layer == nil {
			cf, err := img.ConfigFile()
			if err != nil {
				t.Fatal(err)
			}
			cf = cf.DeepCopy()
			h.EmptyLayer = true
			cf.History = append(cf.History, h)
			if img, err = mutate.ConfigFile(img, cf); err != nil {
				t.Fatal(err)
			}
			continue
		}
		var err error
		img, err = mutate.Append(img, mutate.Addendum{Layer: s.Layer, History: h, MediaType: types.OCILayer})
		if err != nil {
			t.Fatalf("append layer: %v", err)
		}
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	cf = cf.DeepCopy()
	cf.Config = cfg
	cf.OS, cf.Architecture = "linux", "amd64"
	if img, err = mutate.ConfigFile(img, cf); err != nil {
		t.Fatal(err)
	}
	if len(annotations) > 0 {
		img = mutate.Annotations(img, annotations).(v1.Image)
	}
	return img
}

// debianBase is a small Debian 12 root: os-release, accounts, a shell
// and apt, the files scanners look at first.
func debianBase(t testing.TB, dpkgStatus string) v1.Layer {
	return Layer(t,
		Dir("etc/", 0o755),
		File{Path: "etc/os-release", Body: "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\nVERSION_CODENAME=bookworm\nID=debian\n"},
		File{Path: "etc/debian_version", Body: "12.5\n"},
		File{Path: "etc/passwd", Body: "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"},
		File{Path: "etc/shadow", Body: "root:*:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\nnobody:*:19000:0:99999:7:::\n", Mode: 0o640},
		File{Path: "etc/group", Body: "root:x:0:\n"},
		Dir("tmp/", 0o1777),
		Dir("usr/", 0o755), Dir("usr/bin/", 0o755),
		Symlink("bin", "usr/bin"),
		File{Path: "usr/bin/dash", Body: "\x7fELF dash", Mode: 0o755},
		Symlink("usr/bin/sh", "dash"),
		File{Path: "usr/bin/dpkg", Body: "\x7fELF dpkg", Mode: 0o755},
		File{Path: "usr/bin/apt-get", Body: "\x7fELF apt-get", Mode: 0o755},
		Dir("var/lib/dpkg/", 0o755),
		File{Path: "var/lib/dpkg/status", Body: dpkgStatus},
	)
}

// VulnerableDebianStatus is a dpkg status database whose versions have
// known CVEs: openssl 3.0.11-1~deb12u1 (fixed in 3.0.13-1~deb12u1, e.g.
// CVE-2023-5678, CVE-2024-0727) and libc6 2.36-9+deb12u3 (CVE-2023-6246,
// fixed in 2.36-9+deb12u4).
const VulnerableDebianStatus = `Package: libssl3
Status: install ok installed
Priority: optional
Section: libs
Installed-Size: 6000
Maintainer: Debian OpenSSL Team <pkg-openssl-devel@alioth-lists.debian.net>
Architecture: amd64
Multi-Arch: same
Source: openssl
Version: 3.0.11-1~deb12u1
Description: Secure Sockets Layer toolkit - shared libraries

Package: openssl
Status: install ok installed
Priority: optional
Section: utils
Installed-Size: 2000
Maintainer: Debian OpenSSL Team <pkg-openssl-devel@alioth-lists.debian.net>
Architecture: amd64
Version: 3.0.11-1~deb12u1
Description: Secure Sockets Layer toolkit - cryptographic utility

Package: libc6
Status: install ok installed
Priority: optional
Section: libs
Installed-Size: 12000
Maintainer: GNU Libc Maintainers <debian-glibc@lists.debian.org>
Architecture: amd64
Multi-Arch: same
Source: glibc
Version: 2.36-9+deb12u3
Description: GNU C Library: Shared libraries

`

// VulnerableDebian is a Debian 12 image whose dpkg database lists
// vulnerable openssl and glibc versions (see VulnerableDebianStatus),
// running as uid 1000 with a HEALTHCHECK, so only package findings and
// slimness facts are expected from it.
func VulnerableDebian(t testing.TB) v1.Image {
	t.Helper()
	return Build(t, v1.Config{User: "1000:1000", Healthcheck: &v1.HealthConfig{Test: []string{"CMD", "/app", "-healthcheck"}}, Cmd: []string{"/app"}},
		map[string]string{"org.opencontainers.image.base.name": "docker.io/library/debian:12-slim", "org.opencontainers.image.base.digest": "sha256:" + hex64('d')},
		Step{CreatedBy: "# debian.sh --arch 'amd64' out/ 'bookworm' '@1700000000'", Layer: debianBase(t, VulnerableDebianStatus)},
		Step{CreatedBy: "COPY app /app # buildkit", Layer: Layer(t, File{Path: "app", Body: "\x7fELF app", Mode: 0o755})},
	)
}

// VulnerableAlpineInstalled is an apk database with vulnerable packages:
// libcrypto3/libssl3 3.1.4-r0 from openssl (fixed in 3.1.4-r1,
// CVE-2023-5678) and busybox 1.36.1-r14 (CVE-2023-42366, fixed in r15).
const VulnerableAlpineInstalled = `C:Q1abcdefghijklmnopqrstuvwxyz0123=
P:libcrypto3
V:3.1.4-r0
A:x86_64
S:1800000
I:4500000
T:Crypto library from openssl
U:https://www.openssl.org/
L:Apache-2.0
o:openssl
m:Ariadne Conill <ariadne@dereferenced.org>
t:1700000000

C:Q1bcdefghijklmnopqrstuvwxyz01234=
P:libssl3
V:3.1.4-r0
A:x86_64
S:300000
I:700000
T:SSL shared libraries
U:https://www.openssl.org/
L:Apache-2.0
o:openssl
m:Ariadne Conill <ariadne@dereferenced.org>
t:1700000000

C:Q1cdefghijklmnopqrstuvwxyz012345=
P:busybox
V:1.36.1-r14
A:x86_64
S:500000
I:900000
T:Size optimized toolbox of many common UNIX utilities
U:https://busybox.net/
L:GPL-2.0-only
o:busybox
m:Sören Tempel <soeren+alpine@soeren-tempel.net>
t:1700000000

`

// VulnerableAlpine is an Alpine 3.19 image with the vulnerable apk
// database above, running as uid 1000 with a HEALTHCHECK.
func VulnerableAlpine(t testing.TB) v1.Image {
	t.Helper()
	return Build(t, v1.Config{User: "1000:1000", Healthcheck: &v1.HealthConfig{Test: []string{"CMD", "/app", "-healthcheck"}}},
		map[string]string{"org.opencontainers.image.base.name": "docker.io/library/alpine:3.19", "org.opencontainers.image.base.digest": "sha256:" + hex64('a')},
		Step{CreatedBy: "ADD alpine-minirootfs-3.19.0-x86_64.tar.gz / # buildkit", Layer: Layer(t,
			File{Path: "etc/os-release", Body: "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.19.0\nPRETTY_NAME=\"Alpine Linux v3.19\"\n"},
			File{Path: "etc/alpine-release", Body: "3.19.0\n"},
			File{Path: "etc/passwd", Body: "root:x:0:0:root:/root:/bin/ash\n"},
			File{Path: "bin/busybox", Body: "\x7fELF busybox", Mode: 0o755},
			Symlink("bin/sh", "/bin/busybox"),
			File{Path: "sbin/apk", Body: "\x7fELF apk", Mode: 0o755},
			File{Path: "lib/apk/db/installed", Body: VulnerableAlpineInstalled},
		)},
	)
}

// TestPrivateKey is a syntactically real PEM header and body; the key
// material is random filler, not a usable key.
const TestPrivateKey = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\nQyNTUxOQAAACBfakefakefakefakefakefakefakefakefakefakefakefakeAAAA\n-----END OPENSSH PRIVATE KEY-----\n"

// TestBuildArgToken is the GitHub-token-shaped value the Insecure image
// leaks through a build argument.
const TestBuildArgToken = "ghp_0123456789abcdefghijABCDEFGHIJ012345"

// Insecure is an image with one instance of every problem the image gate
// reports, each from a distinct build step, as built from
// InsecureDockerfile:
//   - runs as root (no USER), no HEALTHCHECK, exposes 80 and 22;
//   - base debian:12 (not slim, not pinned);
//   - a token in a build argument (history) and a password in ENV;
//   - a setuid-root binary; a world-writable directory without sticky bit;
//   - /root/.ssh/id_rsa added in one layer and deleted in the next;
//   - an AWS key in a config file; an .npmrc with a token;
//   - apt archives and lists left behind; an account with an empty
//     password and a second uid 0.
func Insecure(t testing.TB) v1.Image {
	t.Helper()
	passwd := "root:x:0:0:root:/root:/bin/bash\ntoor:x:0:0:backdoor:/root:/bin/bash\napp:x:1000:1000::/app:/bin/sh\n"
	shadow := "root:*:19000:0:99999:7:::\ntoor::19000:0:99999:7:::\napp:!:19000:0:99999:7:::\n"
	return Build(t,
		v1.Config{
			Env:          []string{"PATH=/usr/local/bin:/usr/bin:/bin", "DB_PASSWORD=s3cr3t-Pa55word-2024"},
			ExposedPorts: map[string]struct{}{"80/tcp": {}, "22/tcp": {}, "8080/tcp": {}},
			Cmd:          []string{"/app/server"},
			Labels:       map[string]string{"org.opencontainers.image.base.name": "docker.io/library/debian:12"},
		}, nil,
		Step{CreatedBy: "# debian.sh --arch 'amd64' out/ 'bookworm' '@1700000000'", Layer: debianBase(t, VulnerableDebianStatus)},
		Step{CreatedBy: "CMD [\"bash\"]"},
		Step{CreatedBy: "RUN |1 GITHUB_TOKEN=" + TestBuildArgToken + " /bin/sh -c apt-get update && apt-get install -y curl # buildkit", Layer: Layer(t,
			File{Path: "var/cache/apt/archives/curl_7.88.1-10_amd64.deb", Body: "!<arch>\ncurl"},
			File{Path: "var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_InRelease", Body: "Origin: Debian\n"},
			File{Path: "var/lib/apt/lists/lock", Body: ""},
			File{Path: "usr/bin/curl", Body: "\x7fELF curl", Mode: 0o755},
		)},
		Step{CreatedBy: "COPY id_rsa /root/.ssh/id_rsa # buildkit", Layer: Layer(t,
			Dir("root/.ssh/", 0o700),
			File{Path: "root/.ssh/id_rsa", Body: TestPrivateKey, Mode: 0o600},
		)},
		Step{CreatedBy: "RUN /bin/sh -c git clone git@example.com:org/app /app && rm /root/.ssh/id_rsa # buildkit", Layer: Layer(t,
			Whiteout("root/.ssh/id_rsa"),
			Dir("app/", 0o755),
			File{Path: "app/server", Body: "\x7fELF server", Mode: 0o755},
			File{Path: "app/config.yaml", Body: "region: eu-west-1\naws_access_key_id: AKIAIOSFODNN7EXAMPLF\n"},
			File{Path: "app/.npmrc", Body: "//registry.npmjs.org/:_authToken=npm_0123456789abcdefghijABCDEFGHIJ0123\n"},
			Dir("app/uploads/", 0o777),
			File{Path: "usr/local/bin/helper", Body: "\x7fELF helper", Mode: 0o4755},
			File{Path: "etc/passwd", Body: passwd},
			File{Path: "etc/shadow", Body: shadow, Mode: 0o640},
		)},
		Step{CreatedBy: "EXPOSE map[22/tcp:{} 80/tcp:{} 8080/tcp:{}]"},
		Step{CreatedBy: "ENV DB_PASSWORD=s3cr3t-Pa55word-2024"},
		Step{CreatedBy: "CMD [\"/app/server\"]"},
	)
}

// InsecureDockerfile is the Dockerfile Insecure stands for; --dockerfile
// tests link findings to its lines.
const InsecureDockerfile = `FROM debian:12
ARG GITHUB_TOKEN
RUN apt-get update && apt-get install -y curl
COPY id_rsa /root/.ssh/id_rsa
RUN git clone git@example.com:org/app /app && rm /root/.ssh/id_rsa
EXPOSE 80 22 8080
ENV DB_PASSWORD=s3cr3t-Pa55word-2024
CMD ["/app/server"]
`

// Hardened is an image that passes every image check: distroless-like
// (no shell, no package manager), uid 1000, HEALTHCHECK, slim pinned
// base, no secrets.
func Hardened(t testing.TB) v1.Image {
	t.Helper()
	return Build(t,
		v1.Config{User: "1000:1000", Healthcheck: &v1.HealthConfig{Test: []string{"CMD", "/app", "-healthcheck"}}, Entrypoint: []string{"/app"}, ExposedPorts: map[string]struct{}{"8080/tcp": {}}},
		map[string]string{"org.opencontainers.image.base.name": "gcr.io/distroless/static-debian12:nonroot", "org.opencontainers.image.base.digest": "sha256:" + hex64('e')},
		Step{CreatedBy: "bazel build //static:debian12", Layer: Layer(t,
			File{Path: "etc/passwd", Body: "root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n"},
			Dir("tmp/", 0o1777),
		)},
		Step{CreatedBy: "COPY /out/app /app # buildkit", Layer: Layer(t, File{Path: "app", Body: "\x7fELF app", Mode: 0o755})},
		Step{CreatedBy: "USER 1000:1000"},
		Step{CreatedBy: "HEALTHCHECK &{[\"CMD\" \"/app\" \"-healthcheck\"]}"},
	)
}

// HardenedDockerfile builds Hardened.
const HardenedDockerfile = `FROM golang:1.26 AS build
RUN go build -o /out/app .
FROM gcr.io/distroless/static-debian12:nonroot@sha256:eeee
COPY --from=build /out/app /app
USER 1000:1000
HEALTHCHECK CMD ["/app", "-healthcheck"]
ENTRYPOINT ["/app"]
`

func hex64(c byte) string { return string(bytes.Repeat([]byte{c}, 64)) }

// WriteOCI writes img into an OCI image layout at dir, tagged tag.
func WriteOCI(t testing.TB, dir string, img v1.Image, tag string) {
	t.Helper()
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		t.Fatalf("oci layout: %v", err)
	}
	if err := p.AppendImage(img, layout.WithAnnotations(map[string]string{"org.opencontainers.image.ref.name": tag})); err != nil {
		t.Fatalf("oci layout: %v", err)
	}
}

// WriteIndex writes a multi-platform index of imgs (keyed by platform
// "os/arch[/variant]") into an OCI layout at dir, tagged tag.
func WriteIndex(t testing.TB, dir string, imgs map[string]v1.Image, tag string) v1.ImageIndex {
	t.Helper()
	idx := mutate.IndexMediaType(empty.Index, types.OCIImageIndex)
	for plat, img := range imgs {
		p, err := v1.ParsePlatform(plat)
		if err != nil {
			t.Fatal(err)
		}
		idx = mutate.AppendManifests(idx, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{Platform: p}})
	}
	lp, err := layout.Write(dir, empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	if err := lp.AppendIndex(idx, layout.WithAnnotations(map[string]string{"org.opencontainers.image.ref.name": tag})); err != nil {
		t.Fatal(err)
	}
	return idx
}

// WriteDockerArchive writes img as `docker save` would, tagged ref.
func WriteDockerArchive(t testing.TB, file string, img v1.Image, ref string) {
	t.Helper()
	tag, err := name.NewTag(ref)
	if err != nil {
		t.Fatal(err)
	}
	if err := tarball.WriteToFile(file, tag, img); err != nil {
		t.Fatalf("docker archive: %v", err)
	}
}
