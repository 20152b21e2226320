package vuln

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// DBMetadata is the part of Trivy's db/metadata.json the age gate reads;
// it is parsed here (not through trivy-db) so the gate can refuse a stale
// DB before paying for Trivy's start-up.
type DBMetadata struct {
	Version      int
	NextUpdate   time.Time
	UpdatedAt    time.Time
	DownloadedAt time.Time
}

// DefaultCacheDir is where the Trivy CLI keeps its cache, so a DB the
// team already downloaded with `trivy image --download-db-only` is found.
func DefaultCacheDir(getenv func(string) string) string {
	if d := getenv("TRIVY_CACHE_DIR"); d != "" {
		return d
	}
	if d := getenv("XDG_CACHE_HOME"); d != "" {
		return filepath.Join(d, "trivy")
	}
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "trivy")
	}
	return filepath.Join(os.TempDir(), "trivy")
}

// ResolveDBDir accepts either the directory holding trivy.db or a Trivy
// cache dir (which keeps it under db/), because users pass both.
func ResolveDBDir(dir string) string {
	if _, err := os.Stat(filepath.Join(dir, "trivy.db")); err == nil {
		return dir
	}
	return filepath.Join(dir, "db")
}

// CheckDB verifies that dbDir holds a trivy.db and metadata.json and that
// the DB was built no longer than maxAge ago (0 disables the age limit).
// Every failure wraps ErrDB.
func CheckDB(dbDir string, maxAge time.Duration, now time.Time) (DBMetadata, error) {
	var md DBMetadata
	if _, err := os.Stat(filepath.Join(dbDir, "trivy.db")); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return md, fmt.Errorf("%w: no trivy.db in %s: download it with `trivy image --download-db-only --cache-dir %s` or point --db-dir at an existing one", ErrDB, dbDir, filepath.Dir(dbDir))
		}
		return md, fmt.Errorf("%w: %v", ErrDB, err)
	}
	data, err := os.ReadFile(filepath.Join(dbDir, "metadata.json"))
	if err != nil {
		return md, fmt.Errorf("%w: cannot read %s: %v: the DB age is unknown, download the DB again", ErrDB, filepath.Join(dbDir, "metadata.json"), err)
	}
	if err := json.Unmarshal(data, &md); err != nil {
		return md, fmt.Errorf("%w: %s is not valid JSON: %v: download the DB again", ErrDB, filepath.Join(dbDir, "metadata.json"), err)
	}
	return md, CheckMetadata(md, filepath.Join(dbDir, "metadata.json"), maxAge, now)
}

// CheckMetadata applies the schema and age conditions to a DB's metadata;
// source names where it came from (a metadata.json, a Trivy server).
func CheckMetadata(md DBMetadata, source string, maxAge time.Duration, now time.Time) error {
	if md.Version != 2 {
		return fmt.Errorf("%w: %s: DB schema version %d, this build needs 2: download a current DB", ErrDB, source, md.Version)
	}
	if maxAge > 0 && md.UpdatedAt.IsZero() {
		return fmt.Errorf("%w: %s has no UpdatedAt, so its age cannot be checked against --max-db-age", ErrDB, source)
	}
	if age := now.Sub(md.UpdatedAt); maxAge > 0 && age > maxAge {
		return fmt.Errorf("%w: %s: the DB was built %s ago (%s), more than the allowed %s: update it, or raise max-db-age", ErrDB, source, age.Round(time.Minute), md.UpdatedAt.Format(time.RFC3339), maxAge)
	}
	return nil
}
