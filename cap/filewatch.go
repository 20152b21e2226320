package cap

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"time"
)

// maxWatchedFileSize bounds how much of a watched file is read; every file
// the runtime watches (bundle, certificate, key, CA) is far smaller.
const maxWatchedFileSize = MaxBundleSize

// readBounded reads at most limit bytes and fails on a larger file, so a
// runaway file cannot exhaust memory.
func readBounded(path string, limit int64) ([]byte, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s is larger than the %d byte limit", path, limit)
	}
	return data, nil
}

// contentDigest identifies one version of a set of files by what they
// hold. Size and modification time are not enough: a fixed file can have
// the same size and mtime as a broken one (tools that preserve mtimes,
// coarse clocks), and a reload must never miss it.
func contentDigest(paths ...string) (string, error) {
	contents := make([][]byte, len(paths))
	for i, path := range paths {
		data, err := readBounded(path, maxWatchedFileSize)
		if err != nil {
			return "", err
		}
		contents[i] = data
	}
	return digestOfContents(contents...), nil
}

// fileVersion is contentDigest, or a description of why the files cannot
// be read, so that a missing or unreadable file is also reported once per
// state rather than on every poll.
func fileVersion(paths ...string) string {
	digest, err := contentDigest(paths...)
	if err != nil {
		return "unreadable: " + err.Error()
	}
	return digest
}

// digestOfContents is contentDigest of bytes already read, so a loader can
// record the version it actually parsed.
func digestOfContents(contents ...[]byte) string {
	all := sha256.New()
	for _, data := range contents {
		sum := sha256.Sum256(data)
		all.Write(sum[:])
	}
	return hex.EncodeToString(all.Sum(nil))
}

// pollEvery calls reload every interval until ctx ends.
func pollEvery(ctx context.Context, interval time.Duration, reload func()) {
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
			reload()
		}
	}
}
