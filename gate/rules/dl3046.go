package rules

import (
	"strconv"
	"strings"

	"github.com/crank-platform/terraform-provider-crank/gate/dockerfile"
)

// DL3046: useradd with a high UID and without -l.
var DL3046 = Rule{
	ID:       "DL3046",
	Name:     "useradd-no-log-init",
	Severity: Warning,
	Summary:  "useradd without -l and with a high UID results in an excessively large image.",
	Why: "useradd records the new user in `/var/log/lastlog` and `/var/log/faillog`, sparse files sized by " +
		"the UID. Image layers do not keep files sparse, so a UID such as 100000000 adds gigabytes of zeros. " +
		"Pass `-l` (`--no-log-init`), or use a smaller UID.",
	Bad:  "FROM debian:12.7-slim\nRUN useradd -u 123456789 app\n",
	Good: "FROM debian:12.7-slim\nRUN useradd -l -u 123456789 app\n",
	Differences: "Only the stages whose layers become the image are checked: a bloated log in a build stage " +
		"is discarded with it. The UID is ARG-expanded; like hadolint, a UID of six digits or more is high." +
		" `compat: hadolint` checks every stage.",
	Equivalents: Equivalents{Hadolint: []string{"DL3046"}},
	Check:       checkDL3046,
}

// useraddOptsWithValue are useradd's short options that take an argument.
const useraddOptsWithValue = "bcdefgGkKpPRsuZ"

func checkDL3046(ctx *Context) {
	for _, s := range ctx.ImageStages() {
		for _, in := range s.Instructions {
			for _, cmd := range ctx.RunCommands(in) {
				if in.Kind != dockerfile.KindRun {
					break
				}
				c := ctx.Unwrap(cmd)
				if c.Name() != "useradd" {
					continue
				}
				if uid, noLog := useraddUID(c); !noLog && uid > 99999 {
					ctx.ReportCommand(in, cmd, "useradd with UID %d writes a huge sparse lastlog into the layer; add -l (--no-log-init)", uid)
				}
			}
		}
	}
}

// useraddUID parses useradd's options: the numeric UID (0 when absent or
// unknown) and whether -l/--no-log-init was given.
func useraddUID(c *dockerfile.SimpleCommand) (uid int, noLogInit bool) {
	args := c.Args[1:]
	for i := 0; i < len(args); i++ {
		v := args[i].Value
		next := func() (string, bool) {
			if i+1 < len(args) && args[i+1].Literal {
				i++
				return args[i].Value, true
			}
			return "", false
		}
		switch {
		case v == "--no-log-init":
			noLogInit = true
		case v == "--uid":
			if u, ok := next(); ok {
				uid = atoiOrZero(u)
			}
		case strings.HasPrefix(v, "--uid="):
			uid = atoiOrZero(strings.TrimPrefix(v, "--uid="))
		case strings.HasPrefix(v, "--"):
			if !strings.Contains(v, "=") && longOptTakesValue(v) {
				i++
			}
		case strings.HasPrefix(v, "-") && len(v) > 1:
			for j := 1; j < len(v); j++ {
				o := v[j]
				if o == 'l' {
					noLogInit = true
				}
				if strings.IndexByte(useraddOptsWithValue, o) < 0 {
					continue
				}
				val := v[j+1:]
				if val == "" {
					val, _ = next()
				}
				if o == 'u' && args[i].Literal {
					uid = atoiOrZero(val)
				}
				break
			}
		}
	}
	return uid, noLogInit
}

func longOptTakesValue(opt string) bool {
	switch opt {
	case "--base-dir", "--comment", "--home-dir", "--expiredate", "--inactive", "--gid", "--groups",
		"--skel", "--key", "--password", "--prefix", "--root", "--shell", "--selinux-user", "--btrfs-subvolume-home":
		return true
	}
	return false
}

func atoiOrZero(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0
	}
	return n
}
