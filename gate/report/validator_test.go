package report

import (
	"encoding/json"
	"testing"
)

func countResults(t *testing.T, data []byte) int {
	t.Helper()
	var log struct {
		Runs []struct {
			Results []json.RawMessage `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(data, &log); err != nil {
		t.Fatalf("validator output is not SARIF: %v", err)
	}
	n := 0
	for _, r := range log.Runs {
		n += len(r.Results)
	}
	return n
}
