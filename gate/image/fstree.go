package image

import (
	"archive/tar"
	"fmt"
	"io/fs"
	"path"
	"strings"
)

// Tree is the image filesystem as the layers built it so far: whiteouts
// applied, no file content kept (only what checks need to ask "is this
// path still there, and is it the same entry?"). Memory is bounded by
// the entry limit, not by layer bytes.
type Tree struct {
	root    *node
	entries int
	limit   int
	// names and nameLimit bound the bytes of path names kept.
	names     int64
	nameLimit int64
	// links maps the serial of a file's content (the entry that wrote the
	// bytes) to the hard links made to it, so a finding about the content
	// knows it is still in the image when the original path is gone.
	links map[int][]link
}

type link struct {
	path   string
	serial int
}

type node struct {
	name     string
	parent   *node
	children map[string]*node
	// serial identifies the tar entry that wrote this node, so a finding
	// about an entry can ask whether that very entry survived.
	serial   int
	layer    int
	typeflag byte
	mode     int64
	linkname string
	// content is the serial of the entry whose bytes this file has: its
	// own, or a hard link's target's.
	content int
}

func newTree(limit int, nameLimit int64) *Tree {
	return &Tree{root: &node{name: "/", children: map[string]*node{}, typeflag: tar.TypeDir, layer: -1, serial: -1}, limit: limit, nameLimit: nameLimit}
}

// cleanEntryName turns a tar entry name into an absolute, clean path, and
// refuses names that a careless extractor would write outside the root.
func cleanEntryName(name string) (string, error) {
	trimmed := strings.TrimPrefix(name, "./")
	if strings.HasPrefix(trimmed, "/") {
		return "", fmt.Errorf("entry %q has an absolute path", name)
	}
	for _, part := range strings.Split(trimmed, "/") {
		if part == ".." {
			return "", fmt.Errorf("entry %q contains a \"..\" path element", name)
		}
	}
	return path.Clean("/" + trimmed), nil
}

func (t *Tree) lookup(p string) *node {
	n := t.root
	if p == "/" {
		return n
	}
	for _, part := range strings.Split(strings.TrimPrefix(p, "/"), "/") {
		if n.children == nil {
			return nil
		}
		n = n.children[part]
		if n == nil {
			return nil
		}
	}
	return n
}

// dir returns the directory node for p, creating implicit parents (layers
// often omit parent directory entries).
func (t *Tree) dir(p string, layer int) (*node, error) {
	n := t.root
	if p == "/" {
		return n, nil
	}
	for _, part := range strings.Split(strings.TrimPrefix(p, "/"), "/") {
		c := n.children[part]
		if c == nil || c.typeflag != tar.TypeDir {
			if err := t.count(len(part)); err != nil {
				return nil, err
			}
			c = &node{name: part, parent: n, children: map[string]*node{}, typeflag: tar.TypeDir, mode: 0o755, layer: layer, serial: -1}
			n.children[part] = c
		}
		n = c
	}
	return n, nil
}

func (t *Tree) count(nameBytes int) error {
	t.entries++
	if t.limit > 0 && t.entries > t.limit {
		return &errLimit{fmt.Sprintf("the image has more than %d filesystem entries (max-entries); raise it with --max-entries if the image is legitimate", t.limit)}
	}
	t.names += int64(nameBytes)
	if t.nameLimit > 0 && t.names > t.nameLimit {
		return pathIndexLimit(t.nameLimit)
	}
	return nil
}

// put records an entry written by layer; a directory keeps its children
// when re-declared, anything else replaces what was at the path.
func (t *Tree) put(p string, h *tar.Header, layer, serial int) error {
	return t.putContent(p, h, layer, serial, serial)
}

// putContent is put for an entry whose bytes were written by the entry
// content (a hard link's target).
func (t *Tree) putContent(p string, h *tar.Header, layer, serial, content int) error {
	if p == "/" {
		return nil
	}
	parent, err := t.dir(path.Dir(p), layer)
	if err != nil {
		return err
	}
	base := path.Base(p)
	old := parent.children[base]
	if old != nil && old.typeflag == tar.TypeDir && h.Typeflag == tar.TypeDir {
		old.serial, old.layer, old.mode = serial, layer, h.Mode
		return nil
	}
	if old == nil {
		if err := t.count(len(base) + len(h.Linkname)); err != nil {
			return err
		}
	}
	n := &node{name: base, parent: parent, serial: serial, content: content, layer: layer, typeflag: h.Typeflag, mode: h.Mode, linkname: h.Linkname}
	if h.Typeflag == tar.TypeDir {
		n.children = map[string]*node{}
	}
	parent.children[base] = n
	return nil
}

// remove applies a whiteout of p found in layer; a whiteout hides lower
// layers only, so an entry the same layer wrote stays.
func (t *Tree) remove(p string, layer int) {
	if n := t.lookup(p); n != nil && n.parent != nil && n.layer < layer {
		delete(n.parent.children, n.name)
	}
}

// opaque applies an opaque whiteout: dir keeps only what layer itself
// put there, whatever order the layer's tar listed its entries in.
func (t *Tree) opaque(dir string, layer int) {
	n := t.lookup(dir)
	if n == nil {
		return
	}
	var prune func(n *node) bool
	prune = func(n *node) bool {
		for name, c := range n.children {
			if !prune(c) {
				delete(n.children, name)
			}
		}
		return n.layer >= layer || len(n.children) > 0
	}
	for name, c := range n.children {
		if !prune(c) {
			delete(n.children, name)
		}
	}
}

// Survives reports whether the entry with this serial is still what the
// final image has at p.
func (t *Tree) Survives(p string, serial int) bool {
	n := t.lookup(p)
	return n != nil && n.serial == serial
}

// addLink records that the hard link entry (p, serial) shares the bytes
// of target; it returns the content serial the link carries.
func (t *Tree) addLink(target *node, p string, serial int) int {
	c := target.content
	if t.links == nil {
		t.links = map[int][]link{}
	}
	t.links[c] = append(t.links[c], link{path: p, serial: serial})
	return c
}

// SurvivingLink returns a path of the final image that still holds the
// bytes the entry with this serial wrote, through a hard link, or "".
func (t *Tree) SurvivingLink(serial int) string {
	for _, l := range t.links[serial] {
		if t.Survives(l.path, l.serial) {
			return l.path
		}
	}
	return ""
}

// maxSymlinkHops bounds symlink resolution, as the kernel's ELOOP does, so
// a loop in hostile layers ends.
const maxSymlinkHops = 40

// Resolve follows symlinks in p (every path element) inside the image
// root and returns the final path, whether it exists, and an error for
// loops. ".." never climbs above the root.
func (t *Tree) Resolve(p string) (string, bool, error) {
	hops := 0
	cur := "/"
	rest := strings.Split(strings.Trim(path.Clean("/"+p), "/"), "/")
	for len(rest) > 0 {
		part := rest[0]
		rest = rest[1:]
		if part == "" || part == "." {
			continue
		}
		if part == ".." {
			cur = path.Dir(cur)
			continue
		}
		next := path.Join(cur, part)
		n := t.lookup(next)
		if n == nil {
			return path.Join(append([]string{next}, rest...)...), false, nil
		}
		if n.typeflag == tar.TypeSymlink {
			hops++
			if hops > maxSymlinkHops {
				return "", false, fmt.Errorf("too many levels of symbolic links resolving %s", p)
			}
			target := n.linkname
			if strings.HasPrefix(target, "/") {
				cur = "/"
			}
			rest = append(strings.Split(strings.Trim(target, "/"), "/"), rest...)
			continue
		}
		cur = next
	}
	return cur, true, nil
}

// Stat returns the mode of what p resolves to, following symlinks.
func (t *Tree) Stat(p string) (fs.FileMode, bool) {
	rp, ok, err := t.Resolve(p)
	if err != nil || !ok {
		return 0, false
	}
	n := t.lookup(rp)
	if n == nil {
		return 0, false
	}
	return tarMode(n.typeflag, n.mode), true
}

func tarMode(typeflag byte, mode int64) fs.FileMode {
	h := tar.Header{Typeflag: typeflag, Mode: mode}
	return h.FileInfo().Mode()
}
