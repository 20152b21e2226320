package image

import (
	"bufio"
	"bytes"
	"strings"
)

// account is one line of /etc/passwd or /etc/shadow, split on ':'.
type account struct {
	line   int
	fields []string
}

func parseAccounts(data []byte) []account {
	var out []account
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		out = append(out, account{line: n, fields: strings.Split(line, ":")})
	}
	return out
}
