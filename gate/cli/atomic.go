package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// temporaries are the temporary report files being written, so that a
// process ended by a second signal (or after the grace period) removes
// them instead of leaving .tmp files beside the reports.
var temporaries sync.Map

// RemoveTemporaryFiles deletes the temporary report files still open;
// cmd/crank-gate calls it before it exits on a signal.
func RemoveTemporaryFiles() {
	temporaries.Range(func(k, _ any) bool {
		os.Remove(k.(string))
		return true
	})
}

// errNotRenamed is returned when keep said no at the last moment (the run
// was interrupted while the report was written): the target is untouched.
var errNotRenamed = errors.New("the run was interrupted before the report was complete")

// writeAtomic writes a report through a temporary file in the target
// directory and renames it into place, so a failed or interrupted run
// never leaves a half-written SARIF for CI to upload. A target that exists
// and is not a regular file (/dev/null, /dev/stderr, a named pipe) is
// written in place: renaming over it would replace the device or pipe
// with a plain file.
//
// keep, when not nil, is asked just before the rename: false leaves the
// target as it was and returns errNotRenamed.
func writeAtomic(path string, write func(f *os.File) error, keep ...func() bool) (err error) {
	if fi, statErr := os.Stat(path); statErr == nil && !fi.Mode().IsRegular() {
		if fi.IsDir() {
			return fmt.Errorf("cannot write %s: it is a directory", path)
		}
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return fmt.Errorf("cannot open output %s: %w", path, err)
		}
		if err = write(f); err != nil {
			f.Close()
			return fmt.Errorf("cannot write %s: %w", path, err)
		}
		if err = f.Close(); err != nil {
			return fmt.Errorf("cannot write %s: %w", path, err)
		}
		return nil
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("cannot create output %s: %w", path, err)
	}
	temporaries.Store(tmp.Name(), true)
	defer temporaries.Delete(tmp.Name())
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = write(tmp); err != nil {
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	if err = os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	for _, k := range keep {
		if !k() {
			return errNotRenamed
		}
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	return nil
}
