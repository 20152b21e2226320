package image

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"
)

// archiveIndex is the one reading of an image archive (docker save
// output, or an OCI layout packed in a tar): every member's name, offset
// and size, recorded in a single pass over the headers. Members are then
// read in place. Two members that resolve to the same name (a duplicate
// entry, "./x" beside "x", "a//b" beside "a/b") are refused: tar -x and
// docker load keep the last copy while other readers take the first, so
// either choice would report on bytes that some runtime does not run.
type archiveIndex struct {
	f       *os.File
	file    string
	members map[string]*member
}

type member struct {
	name     string
	raw      string
	typeflag byte
	link     string
	off      int64
	size     int64
}

// archiveName cleans a member name to the form lookups use ("a/b"),
// refusing names that could only mean an escape from the archive.
func archiveName(raw string) (string, error) {
	if strings.HasPrefix(raw, "/") {
		return "", fmt.Errorf("member %q has an absolute path", raw)
	}
	for _, part := range strings.Split(raw, "/") {
		if part == ".." {
			return "", fmt.Errorf("member %q contains a \"..\" path element", raw)
		}
	}
	if strings.ContainsRune(raw, 0) {
		return "", fmt.Errorf("member %q contains a NUL byte", raw)
	}
	n := strings.TrimPrefix(path.Clean("/"+raw), "/")
	if n == "" {
		n = "."
	}
	return n, nil
}

func indexArchive(f *os.File, size int64, file string, lim Limits) (*archiveIndex, error) {
	idx := &archiveIndex{f: f, file: file, members: map[string]*member{}}
	tr, hb := newBudgetedTar(f, headerBytesFor(lim.MaxPathBytes))
	var pathBytes int64
	for {
		h, err := hb.next(tr)
		if err == io.EOF {
			break
		}
		if err != nil {
			var le *errLimit
			if errors.As(err, &le) {
				return nil, le
			}
			return nil, fmt.Errorf("not a readable tar archive: %w", err)
		}
		if h.Typeflag == tar.TypeXGlobalHeader {
			continue
		}
		if len(h.Name) > lim.MaxPathBytes || len(h.Linkname) > lim.MaxPathBytes {
			return nil, pathLimit(max(len(h.Name), len(h.Linkname)), lim.MaxPathBytes)
		}
		name, err := archiveName(h.Name)
		if err != nil {
			return nil, fmt.Errorf("hostile archive: %w", err)
		}
		if len(idx.members) >= lim.MaxEntries {
			return nil, &errLimit{fmt.Sprintf("the archive has more than %d members (max-entries); raise it with --max-entries if the image is legitimate", lim.MaxEntries)}
		}
		pathBytes += int64(len(name) + len(h.Linkname))
		if pathBytes > lim.MaxPathIndexBytes {
			return nil, pathIndexLimit(lim.MaxPathIndexBytes)
		}
		if old := idx.members[name]; old != nil {
			return nil, fmt.Errorf("hostile archive: member %q appears twice (also as %q); tools disagree on which copy counts (docker load and tar -x keep the last, others the first), so the gate refuses the archive: write it again without duplicate entries", name, old.raw)
		}
		m := &member{name: name, raw: h.Name, typeflag: h.Typeflag, link: h.Linkname, off: hb.pos, size: h.Size}
		switch h.Typeflag {
		case tar.TypeReg, tar.TypeRegA:
			if isSparse(h) {
				return nil, fmt.Errorf("hostile archive: member %q is a sparse file, which image archives never hold", name)
			}
			if m.off+m.size > size {
				return nil, fmt.Errorf("the archive is truncated: member %q ends at byte %d of a %d-byte file", name, m.off+m.size, size)
			}
			m.typeflag = tar.TypeReg
		case tar.TypeDir, tar.TypeSymlink:
			m.size = 0
		default:
			return nil, fmt.Errorf("hostile archive: member %q has tar type %q; an image archive holds only files, directories and symbolic links", name, string(rune(h.Typeflag)))
		}
		idx.members[name] = m
	}
	return idx, nil
}

// lookup finds a regular member by name, following the symbolic links old
// docker save archives use for layers shared by two images; links resolve
// inside the archive only.
func (a *archiveIndex) lookup(name string) (*member, error) {
	want := name
	for hops := 0; hops < 8; hops++ {
		n, err := archiveName(name)
		if err != nil {
			return nil, fmt.Errorf("hostile archive: %w", err)
		}
		m := a.members[n]
		switch {
		case m == nil:
			return nil, fmt.Errorf("the archive has no member %q", want)
		case m.typeflag == tar.TypeReg:
			return m, nil
		case m.typeflag == tar.TypeSymlink:
			if strings.HasPrefix(m.link, "/") {
				return nil, fmt.Errorf("hostile archive: member %q links outside the archive (%q)", n, m.link)
			}
			name = path.Join(path.Dir(n), m.link)
			if strings.HasPrefix(name, "../") || name == ".." {
				return nil, fmt.Errorf("hostile archive: member %q links outside the archive (%q)", n, m.link)
			}
		default:
			return nil, fmt.Errorf("archive member %q is a directory, not a file", want)
		}
	}
	return nil, fmt.Errorf("hostile archive: too many levels of symbolic links resolving member %q", want)
}

// open returns a reader of a member's bytes in place.
func (a *archiveIndex) open(name string) (io.ReadCloser, int64, error) {
	m, err := a.lookup(name)
	if err != nil {
		return nil, 0, err
	}
	return io.NopCloser(io.NewSectionReader(a.f, m.off, m.size)), m.size, nil
}

func pathLimit(n, limit int) error {
	return &errLimit{fmt.Sprintf("a path name of %d bytes is above the path name budget of %d bytes (max-path-bytes); a hostile archive, or raise it with --max-path-bytes", n, limit)}
}

func pathIndexLimit(limit int64) error {
	return &errLimit{fmt.Sprintf("the path names tracked for this image exceed the path index budget of %d bytes (max-path-index-bytes); raise it with --max-path-index-bytes if the image is legitimate", limit)}
}
