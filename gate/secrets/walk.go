package secrets

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"

	"github.com/fatih/semgroup"
	"github.com/zricethezav/gitleaks/v8/config"
	"github.com/zricethezav/gitleaks/v8/sources"

	"github.com/crank-platform/terraform-provider-crank/gate/safefile"
)

// Problem is a path the walk could not scan, or chose not to.
type Problem struct {
	Path   string
	Reason string
}

// treeSource is gitleaks' Files source (sources.Files) rebuilt so that
// the walk cannot be fooled or stalled by what is in the tree:
//
//   - a file or directory that cannot be read is recorded in unreadable
//     (gitleaks logs it and goes on, so a tree scanned without
//     permission passed with nothing checked);
//   - only regular files are opened: FIFOs, devices and sockets, also as
//     targets of symlinks with FollowSymlinks, are recorded in skipped;
//     safefile.Open decides on the open descriptor without blocking, so a
//     file swapped for a FIFO between walk and open is refused too;
//   - scanned counts the files whose content went through the detector.
//
// Everything else (empty files, the size limit, the config's path
// allowlists, symlinked directories not followed, each file's fragments)
// is as gitleaks does it, and each file goes through gitleaks' own File
// source.
type treeSource struct {
	cfg            *config.Config
	root           string
	followSymlinks bool
	maxFileSize    int64
	sema           *semgroup.Group

	mu         sync.Mutex
	unreadable []Problem
	skipped    []Problem
	scanned    atomic.Int64
}

var _ sources.Source = (*treeSource)(nil)

func (s *treeSource) addUnreadable(path string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.unreadable = append(s.unreadable, Problem{Path: path, Reason: errReason(err)})
}

func (s *treeSource) addSkipped(path, reason string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.skipped = append(s.skipped, Problem{Path: path, Reason: reason})
}

// errReason drops the path os errors repeat, which the Problem holds.
func errReason(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Op + ": " + pe.Err.Error()
	}
	return err.Error()
}

// Fragments walks the tree and yields each regular file's fragments.
func (s *treeSource) Fragments(ctx context.Context, yield sources.FragmentsFunc) error {
	var wg sync.WaitGroup
	err := filepath.WalkDir(s.root, func(path string, d fs.DirEntry, err error) error {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil {
			// WalkDir reports a directory it cannot list after visiting
			// it (d is set), or a root it cannot stat (d is nil).
			s.addUnreadable(path, err)
			if d != nil && d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if skipPath(s.cfg, path) {
				return filepath.SkipDir
			}
			return nil
		}
		target, symlink := path, ""
		if d.Type()&fs.ModeSymlink != 0 {
			if !s.followSymlinks {
				return nil
			}
			real, err := filepath.EvalSymlinks(path)
			if err != nil {
				s.addSkipped(path, "symlink cannot be resolved: "+errReason(err))
				return nil
			}
			st, err := os.Stat(real)
			if err != nil {
				s.addUnreadable(path, err)
				return nil
			}
			if st.IsDir() {
				return nil // as gitleaks: symlinked directories are not followed
			}
			target, symlink = real, path
		}
		if skipPath(s.cfg, path) {
			return nil
		}
		if symlink == "" && !d.Type().IsRegular() {
			s.addSkipped(path, "not a regular file ("+safefile.Kind(d.Type())+")")
			return nil
		}
		wg.Add(1)
		s.sema.Go(func() error {
			defer wg.Done()
			return s.scanFile(ctx, target, symlink, yield)
		})
		return nil
	})
	wg.Wait()
	if err != nil {
		return err
	}
	return ctx.Err()
}

// scanFile opens one file without blocking, checks it is a regular file,
// and runs it through gitleaks' File source.
func (s *treeSource) scanFile(ctx context.Context, path, symlink string, yield sources.FragmentsFunc) error {
	shown := path
	if symlink != "" {
		shown = symlink
	}
	f, st, err := safefile.Open(path)
	if errors.Is(err, safefile.ErrNotRegular) {
		s.addSkipped(shown, err.Error())
		return nil
	}
	if err != nil {
		s.addUnreadable(shown, err)
		return nil
	}
	defer f.Close()
	switch {
	case st.Size() == 0:
		return nil
	case s.maxFileSize > 0 && st.Size() > s.maxFileSize:
		s.addSkipped(shown, fmt.Sprintf("larger than --max-file-mb (%d bytes)", st.Size()))
		return nil
	}
	var readErr error
	file := sources.File{Content: f, Path: path, Symlink: symlink, Config: s.cfg}
	err = file.Fragments(ctx, func(fr sources.Fragment, err error) error {
		if err != nil {
			readErr = err
			return nil
		}
		return yield(fr, nil)
	})
	if readErr != nil {
		s.addUnreadable(shown, readErr)
		return nil
	}
	if err == nil && ctx.Err() == nil {
		s.scanned.Add(1)
	}
	return err
}

// skipPath is gitleaks' global path allowlist (sources.shouldSkipPath).
func skipPath(cfg *config.Config, path string) bool {
	if cfg == nil {
		return false
	}
	for _, a := range cfg.Allowlists {
		if a.PathAllowed(path) {
			return true
		}
	}
	return false
}
