package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// fileConfig is the JSON configuration. Relative paths are relative to
// the configuration file.
type fileConfig struct {
	TLS struct {
		Cert string `json:"cert"`
		Key  string `json:"key"`
		CA   string `json:"ca"`
	} `json:"tls"`
	PolicyKeys          string          `json:"policy_keys"`
	AllowUnsigned       bool            `json:"allow_unsigned_bundles"`
	ClientCA            string          `json:"client_ca"`
	Proxies             []string        `json:"proxies"`
	TrustProxyPrincipal bool            `json:"trust_proxy_principal"`
	Selector            string          `json:"selector"`
	Services            []serviceConfig `json:"services"`
	Listen              struct {
		ExtAuthz    string `json:"ext_authz"`
		AuthRequest string `json:"auth_request"`
		Metrics     string `json:"metrics"`
	} `json:"listen"`
	InFlight struct {
		PerCallerCapability int            `json:"per_caller_capability"`
		PerCapability       map[string]int `json:"per_capability"`
		RetryAfter          duration       `json:"retry_after"`
	} `json:"in_flight"`
	ReloadInterval      duration `json:"reload_interval"`
	MaxConnsPerIdentity int      `json:"max_conns_per_identity"`
	DecisionLogRate     float64  `json:"decision_log_rate"`
	DecisionLogBurst    int      `json:"decision_log_burst"`
}

type serviceConfig struct {
	Name     string   `json:"name"`
	Bundle   string   `json:"bundle"`
	ClientCA string   `json:"client_ca"`
	SNI      []string `json:"sni"`
}

// duration reads "10s"-style JSON strings.
type duration time.Duration

func (d *duration) UnmarshalJSON(data []byte) error {
	var text string
	if err := json.Unmarshal(data, &text); err != nil {
		return fmt.Errorf("durations are strings such as \"10s\": %w", err)
	}
	parsed, err := time.ParseDuration(text)
	if err != nil {
		return err
	}
	*d = duration(parsed)
	return nil
}

const maxConfigSize = 1 << 20

func loadConfig(path string) (fileConfig, error) {
	var cfg fileConfig
	data, err := os.ReadFile(path)
	if err != nil {
		return cfg, fmt.Errorf("read configuration: %w", err)
	}
	if len(data) > maxConfigSize {
		return cfg, fmt.Errorf("configuration %s is over %d bytes", path, maxConfigSize)
	}
	decoder := json.NewDecoder(bytes.NewReader(data))
	decoder.DisallowUnknownFields()
	if err := decoder.Decode(&cfg); err != nil {
		return cfg, fmt.Errorf("configuration %s: %w", path, err)
	}
	if decoder.More() {
		return cfg, fmt.Errorf("configuration %s: trailing data after the JSON object", path)
	}
	base := filepath.Dir(path)
	resolve := func(p *string) {
		if *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(base, *p)
		}
	}
	resolve(&cfg.TLS.Cert)
	resolve(&cfg.TLS.Key)
	resolve(&cfg.TLS.CA)
	resolve(&cfg.PolicyKeys)
	resolve(&cfg.ClientCA)
	for i := range cfg.Services {
		resolve(&cfg.Services[i].Bundle)
		resolve(&cfg.Services[i].ClientCA)
	}
	if cfg.ReloadInterval == 0 {
		cfg.ReloadInterval = duration(10 * time.Second)
	}
	if cfg.DecisionLogRate == 0 {
		cfg.DecisionLogRate = 10
	}
	if cfg.DecisionLogBurst == 0 {
		cfg.DecisionLogBurst = 20
	}
	return cfg, cfg.validate(path)
}

func (c fileConfig) validate(path string) error {
	var problems []error
	need := func(value, field string) {
		if value == "" {
			problems = append(problems, fmt.Errorf("%s is required", field))
		}
	}
	need(c.TLS.Cert, "tls.cert")
	need(c.TLS.Key, "tls.key")
	need(c.TLS.CA, "tls.ca")
	if c.PolicyKeys == "" && !c.AllowUnsigned {
		problems = append(problems, errors.New("policy_keys is required: only bundles signed by a trusted policy key are enforced (signing_public_key of crank_cap_policy)"))
	}
	if c.Listen.ExtAuthz == "" && c.Listen.AuthRequest == "" {
		problems = append(problems, errors.New("listen.ext_authz or listen.auth_request is required: there is nothing to serve"))
	}
	if len(c.Services) == 0 {
		problems = append(problems, errors.New("services is empty: list each protected service with its bundle"))
	}
	for i, s := range c.Services {
		need(s.Name, fmt.Sprintf("services[%d].name", i))
		need(s.Bundle, fmt.Sprintf("services[%d].bundle", i))
		if s.ClientCA == "" && c.ClientCA == "" && !c.TrustProxyPrincipal {
			problems = append(problems, fmt.Errorf("services[%d] (%s) has no client_ca and there is no top-level client_ca: forwarded certificates could not be verified", i, s.Name))
		}
	}
	if c.ReloadInterval < 0 || c.DecisionLogRate < 0 || c.DecisionLogBurst < 0 || c.MaxConnsPerIdentity < 0 {
		problems = append(problems, errors.New("reload_interval, decision_log_rate, decision_log_burst and max_conns_per_identity must not be negative"))
	}
	if err := errors.Join(problems...); err != nil {
		return fmt.Errorf("configuration %s: %w", path, err)
	}
	return nil
}
