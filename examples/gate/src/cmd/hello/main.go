// Command hello is the sample service crank-gate checks in examples/gate.
// It reads its token from the environment, never from the source tree.
package main

import (
	"flag"
	"fmt"
	"net/http"
	"os"
)

func main() {
	health := flag.Bool("healthcheck", false, "probe the running server and exit")
	flag.Parse()
	if *health {
		resp, err := http.Get("http://127.0.0.1:8080/healthz")
		if err != nil || resp.StatusCode != http.StatusOK {
			os.Exit(1)
		}
		return
	}
	token := os.Getenv("HELLO_API_TOKEN")
	http.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if token != "" && r.Header.Get("Authorization") != "Bearer "+token {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		fmt.Fprintln(w, "hello")
	})
	if err := http.ListenAndServe(":8080", nil); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
