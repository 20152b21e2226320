package secrets

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/fatih/semgroup"
	"github.com/zricethezav/gitleaks/v8/config"
	"github.com/zricethezav/gitleaks/v8/sources"

	"github.com/crank-platform/terraform-provider-crank/gate/secrets/secretstest"
)

// FuzzWalk builds a small tree from the input and walks it with the
// secrets tree source: every entry is a regular file, a directory, a
// FIFO, a symlink (to a FIFO, to /dev/zero, to the root, dangling, or a
// loop) or an empty file. The walk must end, never panic, open nothing
// but the regular files, and count and yield exactly those. (The
// detector behind it is gitleaks'; building it per input would leave the
// fuzzer a few inputs a minute, so fragments are counted instead.)
//
// Each input byte pair is one entry: the first picks the kind, the
// second the name (so names include control characters and newlines).
func FuzzWalk(f *testing.F) {
	f.Add([]byte{0, 'a', 1, 'b', 2, 'c', 3, 'd', 4, 'e', 5, 'f', 6, 'g', 7, 'h', 8, 'i'})
	f.Add([]byte{3, '\n', 4, 0x1b, 0, ':', 5, '.'})
	f.Add([]byte{1, 'd', 0, 'x', 6, 'y', 7, 'z'})
	token := secretstest.GitHubPAT(31)
	f.Fuzz(func(t *testing.T, spec []byte) {
		if len(spec) > 64 {
			spec = spec[:64]
		}
		root := t.TempDir()
		dir := root
		wantFiles, wantTokens := 0, 0
		for i := 0; i+1 < len(spec); i += 2 {
			name := entryName(spec[i+1], i)
			p := filepath.Join(dir, name)
			var err error
			switch spec[i] % 9 {
			case 0: // regular file with a token
				err = os.WriteFile(p, []byte("t = \""+token+"\"\n"), 0o644)
				wantFiles++
				wantTokens++
			case 1: // directory; later entries go inside
				if err = os.Mkdir(p, 0o755); err == nil {
					dir = p
				}
			case 2: // FIFO
				err = syscall.Mkfifo(p, 0o600)
			case 3: // symlink to a FIFO
				fifo := p + ".fifo"
				if err = syscall.Mkfifo(fifo, 0o600); err == nil {
					err = os.Symlink(fifo, p)
				}
			case 4:
				err = os.Symlink("/dev/zero", p)
			case 5: // dangling
				err = os.Symlink(filepath.Join(root, "nowhere"), p)
			case 6: // loop
				err = os.Symlink(p, p)
			case 7: // empty file: skipped, not counted
				err = os.WriteFile(p, nil, 0o644)
			case 8: // symlink to the root directory: not followed
				err = os.Symlink(root, p)
			}
			if err != nil {
				t.Fatalf("building %q: %v", p, err)
			}
		}
		for _, follow := range []bool{false, true} {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			src := &treeSource{cfg: &config.Config{}, root: root, followSymlinks: follow, sema: semgroup.NewGroup(ctx, 4)}
			var mu sync.Mutex
			seen := map[string]int{}
			err := src.Fragments(ctx, func(fr sources.Fragment, err error) error {
				mu.Lock()
				defer mu.Unlock()
				if err == nil && strings.Contains(fr.Raw, token) {
					seen[fr.FilePath]++
				}
				return nil
			})
			timedOut := ctx.Err() != nil
			cancel()
			if timedOut {
				t.Fatalf("follow=%v: walk did not end", follow)
			}
			if err != nil {
				t.Fatalf("follow=%v: %v", follow, err)
			}
			if int(src.scanned.Load()) != wantFiles || len(seen) != wantTokens || len(src.unreadable) != 0 {
				t.Fatalf("follow=%v: scanned=%d with token=%d unreadable=%v, want %d files, %d with the token (spec %q)", follow, src.scanned.Load(), len(seen), src.unreadable, wantFiles, wantTokens, spec)
			}
		}
	})
}

// entryName makes a unique file name from one byte: the byte itself
// when it can be in a name, with the index to keep names apart.
func entryName(b byte, i int) string {
	c := string(rune(b))
	if b == 0 || b == '/' || b >= 0x80 {
		c = "_"
	}
	return strings.Repeat("e", 1) + c + string(rune('a'+i/2%26)) + string(rune('a'+i/52))
}
