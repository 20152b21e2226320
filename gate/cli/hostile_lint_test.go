package cli

import (
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/crank-platform/terraform-provider-crank/gate/report/sariftest"
)

// TestLintCheckDirectiveDoesNotPanic runs the Dockerfile through
// the command: a "# check=" after the first line crashed BuildKit's
// instruction parser with a nil linter.
func TestLintCheckDirectiveDoesNotPanic(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "Dockerfile", "FROM scratch\n# check=skip=JSONArgsRecommended\nCMD x\n")
	code, out, errs := runCLI(t, dir, "", "lint", "--only", "DL3025", "Dockerfile")
	if code != ExitFindings || !strings.Contains(out, "DL3025") || errs != "" {
		t.Errorf("code %d\n%s%s", code, out, errs)
	}
}

// TestLintNULInRun: a NUL byte in a RUN line is reported once, naming
// the file.
func TestLintNULInRun(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "svc/Dockerfile", "FROM scratch\nRUN echo a\x00b\nUSER 1000\n")
	code, out, errs := runCLI(t, dir, "", "lint", "--format", "json", "svc")
	all := out + errs
	if n := strings.Count(strings.ToLower(all), "nul"); n != 1 {
		t.Errorf("NUL reported %d times (code %d):\n%s\n%s", n, code, out, errs)
	}
	if !strings.Contains(all, "svc/Dockerfile") || code != ExitFindings {
		t.Errorf("code %d:\n%s\n%s", code, out, errs)
	}
}

// TestLintRejectedInputWritesFailedReports is the 50 MB
// Dockerfile: exit 2, and every report written says the run failed; the
// SARIF one passes the real validator.
func TestLintRejectedInputWritesFailedReports(t *testing.T) {
	dir := t.TempDir()
	big := "FROM scratch\n" + strings.Repeat("# padding padding padding padding padding padding\n", 50<<20/50)
	write(t, dir, "Dockerfile", big)
	write(t, dir, "ok/Dockerfile", "FROM scratch\nUSER 1000\n")
	// A stale passing report from an earlier run must be replaced.
	write(t, dir, "out.json", `{"summary":{"failed":false}}`)
	code, out, errs := runCLI(t, dir, "", "lint", "--only", "DL3006", "--format", "tty", "--format", "sarif=out.sarif", "--format", "json=out.json", "--format", "junit=out.xml", "Dockerfile", "ok/Dockerfile")
	if code != ExitError {
		t.Fatalf("code %d\n%s%s", code, out, errs)
	}
	if !strings.Contains(errs, "Dockerfile: file size in bytes") || !strings.Contains(out, "ERROR (run incomplete") {
		t.Errorf("stderr/tty do not name the rejected file:\n%s\n%s", errs, out)
	}
	var doc struct {
		Summary struct{ Failed bool }
		Errors  []struct{ Path, Message string }
	}
	readJSON(t, filepath.Join(dir, "out.json"), &doc)
	if !doc.Summary.Failed || len(doc.Errors) != 1 || doc.Errors[0].Path != "Dockerfile" {
		t.Errorf("json report = %+v", doc)
	}
	var sarif struct {
		Runs []struct {
			Invocations []struct {
				ExecutionSuccessful        bool
				ToolExecutionNotifications []struct{ Level string }
			}
		}
	}
	readJSON(t, filepath.Join(dir, "out.sarif"), &sarif)
	for _, r := range sarif.Runs {
		if len(r.Invocations) != 1 || r.Invocations[0].ExecutionSuccessful || len(r.Invocations[0].ToolExecutionNotifications) != 1 || r.Invocations[0].ToolExecutionNotifications[0].Level != "error" {
			t.Errorf("sarif run = %+v", r)
		}
	}
	var junit struct {
		Errors int `xml:"errors,attr"`
	}
	data, err := os.ReadFile(filepath.Join(dir, "out.xml"))
	if err != nil || xml.Unmarshal(data, &junit) != nil || junit.Errors != 1 {
		t.Errorf("junit = %s (%v)", data, err)
	}
	if bin := sariftest.Validator(t); bin != "" {
		sariftest.Validate(t, bin, filepath.Join(dir, "out.sarif"))
	}
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v\n%s", path, err, data)
	}
}

// TestLintRefusesSpecialFiles: a FIFO (which would block a plain open)
// and a device named on the command line are refused at once, by name.
func TestLintRefusesSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	if err := syscall.Mkfifo(filepath.Join(dir, "Dockerfile.fifo"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{filepath.Join(dir, "Dockerfile.fifo"), "/dev/zero"} {
		done := make(chan struct{})
		var code int
		var errs string
		go func() {
			defer close(done)
			code, _, errs = runCLI(t, dir, "", "lint", p)
		}()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			t.Fatalf("lint %s hung", p)
		}
		if code != ExitError || !strings.Contains(errs, p+": not a regular file") {
			t.Errorf("%s: code %d %s", p, code, errs)
		}
	}
}

// TestLintOutputIsInert names files with terminal escapes, a newline and
// a workflow command: neither stdout nor stderr carries them raw.
func TestLintOutputIsInert(t *testing.T) {
	dir := t.TempDir()
	name := "x\x1b[2J\n::add-mask::y.Dockerfile"
	write(t, dir, "d/"+name, "FROM debian\n")
	write(t, dir, "d/bad\x1b]0;t\x07.Dockerfile", "FROM a\nRUN <<EOF\nnever ends\n")
	for _, format := range []string{"tty", "markdown"} {
		code, out, errs := runCLI(t, dir, "", "lint", "--only", "DL3006", "--format", format, "d")
		if code != ExitError {
			t.Errorf("%s: code %d", format, code)
		}
		for _, s := range []string{out, errs} {
			if strings.ContainsAny(s, "\x1b\x07") {
				t.Errorf("%s: raw escape in output:\n%q", format, s)
			}
			for _, line := range strings.Split(s, "\n") {
				if strings.HasPrefix(strings.TrimSpace(line), "::") {
					t.Errorf("%s: line starts a workflow command: %q", format, line)
				}
			}
		}
		if !strings.Contains(out, `x\x1b[2J\n`) {
			t.Errorf("%s: escaped name missing:\n%s", format, out)
		}
	}
}
