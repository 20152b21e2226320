package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/crank-platform/terraform-provider-crank/gate/report/sariftest"
)

// TestFailedRunReportsEveryCommand makes lint, secrets, image and check
// each reject their input (exit 2) and checks that the reports they were
// asked for say so: SARIF with executionSuccessful false and an error
// notification (checked by the real validator), JSON with failed: true
// and the error. A stale passing report at the same path is replaced.
func TestFailedRunReportsEveryCommand(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "bad.toml", "[[rules]\nid = ")
	write(t, dir, "tree/a.txt", "hello\n")
	write(t, dir, "Dockerfile", "FROM a\nRUN <<EOF\nnever ends\n")
	write(t, dir, "policy.yaml", "version: 2\nnot valid: [\n")
	bin := sariftest.Validator(t)
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"lint", []string{"lint", "Dockerfile"}, "unterminated heredoc"},
		{"secrets", []string{"secrets", "--config", "bad.toml", "tree"}, "bad.toml"},
		{"image", []string{"image", "--no-vulns", "oci:" + filepath.Join(dir, "no-such-layout")}, "no-such-layout"},
		{"check", []string{"check", "--policy", "policy.yaml"}, "policy.yaml"},
	} {
		t.Run(c.name, func(t *testing.T) {
			sarif, js := filepath.Join(dir, c.name+".sarif"), filepath.Join(dir, c.name+".json")
			write(t, dir, c.name+".json", `{"summary":{"failed":false}}`)
			args := append([]string{c.args[0], "--format", "sarif=" + sarif, "--format", "json=" + js}, c.args[1:]...)
			code, out, errs := runCLI(t, dir, "", args...)
			if code != ExitError || !strings.Contains(errs, c.want) {
				t.Fatalf("exit %d, stderr lacks %q:\n%s%s", code, c.want, out, errs)
			}
			var doc struct {
				Summary struct{ Failed bool }
				Errors  []struct{ Message string }
			}
			readJSON(t, js, &doc)
			if !doc.Summary.Failed || len(doc.Errors) == 0 || !strings.Contains(doc.Errors[0].Message, c.want) {
				t.Errorf("json = %+v", doc)
			}
			var log struct {
				Runs []struct {
					Invocations []struct {
						ExecutionSuccessful        bool
						ToolExecutionNotifications []struct {
							Level   string
							Message struct{ Text string }
						}
					}
				}
			}
			readJSON(t, sarif, &log)
			if len(log.Runs) == 0 {
				t.Fatal("sarif has no run")
			}
			for _, r := range log.Runs {
				if len(r.Invocations) != 1 || r.Invocations[0].ExecutionSuccessful || len(r.Invocations[0].ToolExecutionNotifications) == 0 ||
					r.Invocations[0].ToolExecutionNotifications[0].Level != "error" || !strings.Contains(r.Invocations[0].ToolExecutionNotifications[0].Message.Text, c.want) {
					t.Errorf("sarif run = %+v", r)
				}
			}
			if bin != "" {
				sariftest.Validate(t, bin, sarif)
			}
			if _, err := os.Stat(sarif + ".tmp"); err == nil {
				t.Error("temporary file left")
			}
		})
	}
}
