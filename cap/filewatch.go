package cap

import (
	"context"
	"os"
	"time"
)

// fileStamp identifies one version of a file cheaply, so polling does not
// re-read and re-parse unchanged files.
type fileStamp struct {
	modTime time.Time
	size    int64
}

func stampOf(paths ...string) ([]fileStamp, error) {
	stamps := make([]fileStamp, len(paths))
	for i, path := range paths {
		info, err := os.Stat(path)
		if err != nil {
			return nil, err
		}
		stamps[i] = fileStamp{modTime: info.ModTime(), size: info.Size()}
	}
	return stamps, nil
}

func sameStamps(a, b []fileStamp) bool {
	if len(a) != len(b) || len(a) == 0 {
		return false
	}
	for i := range a {
		if !a[i].modTime.Equal(b[i].modTime) || a[i].size != b[i].size {
			return false
		}
	}
	return true
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
