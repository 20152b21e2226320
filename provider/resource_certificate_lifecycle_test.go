package provider

import (
	"fmt"
	"regexp"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

const renewalConfig = `
provider "crank" {
  trust_domain     = "example.org"
  renewal_warning  = "5d"
}

resource "crank_ca" "root" {
  subject = { common_name = "Renewal Root" }
}

resource "crank_certificate" "svc" {
  issuer   = crank_ca.root.issuer
  service  = "svc"
  validity = "90d"
  lifecycle {
    create_before_destroy = true
  }
}
`

// captureAttr stores an attribute so a later step can compare against it.
func captureAttr(addr, name string, into *string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		v, err := stateAttr(s, addr, name)
		*into = v
		return err
	}
}

func attrChanged(addr, name string, before *string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		v, err := stateAttr(s, addr, name)
		if err != nil {
			return err
		}
		if v == *before {
			return fmt.Errorf("%s.%s is still %s, expected a new value", addr, name, v)
		}
		return nil
	}
}

// TestAccRenewal moves the provider clock through the warning period and
// into the renewal window; the certificate must be replaced then, not before.
func TestAccRenewal(t *testing.T) {
	requireAcc(t)
	clock := newTestClock()
	var serial string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(clock.Now),
		Steps: []resource.TestStep{
			{
				Config: renewalConfig,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("crank_certificate.svc", "renew_before", "30d"),
					resource.TestCheckResourceAttr("crank_certificate.svc", "ready_for_renewal", "false"),
					captureAttr("crank_certificate.svc", "serial", &serial),
				),
			},
			{
				// Day 56: inside the 5-day warning, not yet in the window.
				PreConfig:        func() { clock.Advance(56 * 24 * time.Hour) },
				Config:           renewalConfig,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("crank_certificate.svc", plancheck.ResourceActionNoop)}},
				Check:            resource.TestCheckResourceAttrPtr("crank_certificate.svc", "serial", &serial),
			},
			{
				// Day 61: past not_after - renew_before (day 60).
				PreConfig: func() { clock.Advance(5 * 24 * time.Hour) },
				Config:    renewalConfig,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("crank_certificate.svc", plancheck.ResourceActionCreateBeforeDestroy),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					attrChanged("crank_certificate.svc", "serial", &serial),
					resource.TestCheckResourceAttr("crank_certificate.svc", "ready_for_renewal", "false"),
					checkNotAfterFrom(clock, "crank_certificate.svc", 90*24*time.Hour),
				),
			},
		},
	})
}

// TestAccRenewalRefresh shows a refresh alone flips ready_for_renewal.
func TestAccRenewalRefresh(t *testing.T) {
	requireAcc(t)
	clock := newTestClock()
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(clock.Now),
		Steps: []resource.TestStep{
			{Config: renewalConfig},
			{
				PreConfig:          func() { clock.Advance(70 * 24 * time.Hour) },
				RefreshState:       true,
				ExpectNonEmptyPlan: true,
				Check:              resource.TestCheckResourceAttr("crank_certificate.svc", "ready_for_renewal", "true"),
			},
		},
	})
}

func checkNotAfterFrom(clock *testClock, addr string, validity time.Duration) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		v, err := stateAttr(s, addr, "not_after")
		if err != nil {
			return err
		}
		got, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return err
		}
		want := clock.Now().Add(validity)
		if d := got.Sub(want); d > time.Minute || d < -time.Minute {
			return fmt.Errorf("not_after = %s, want about %s (issued at the moved clock)", got, want)
		}
		return nil
	}
}

const issuerChangeA = `
provider "crank" {
  trust_domain = "example.org"
}
resource "crank_ca" "a" {
  subject = { common_name = "Issuer A" }
}
resource "crank_ca" "b" {
  subject = { common_name = "Issuer B" }
}
resource "crank_certificate" "svc" {
  issuer  = crank_ca.%s.issuer
  service = "svc"
}
`

// TestAccIssuerChange re-issues a certificate when its issuer changes, both to
// another existing CA (AKI/SKI mismatch) and when the CA itself is replaced.
func TestAccIssuerChange(t *testing.T) {
	requireAcc(t)
	var serial, aki string
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccFactories,
		Steps: []resource.TestStep{
			{
				Config: fmt.Sprintf(issuerChangeA, "a"),
				Check:  captureAttr("crank_certificate.svc", "serial", &serial),
			},
			{
				Config: fmt.Sprintf(issuerChangeA, "b"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("crank_certificate.svc", plancheck.ResourceActionReplace),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					attrChanged("crank_certificate.svc", "serial", &serial),
					checkAKIMatches("crank_certificate.svc", "crank_ca.b"),
					captureAttr("crank_certificate.svc", "serial", &serial),
					captureAttr("crank_ca.b", "subject_key_id", &aki),
				),
			},
			{
				// Replacing the CA (new subject) leaves the issuer unknown at plan time.
				Config: fmt.Sprintf(regexp.MustCompile(`Issuer B`).ReplaceAllString(issuerChangeA, "Issuer B2"), "b"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("crank_ca.b", plancheck.ResourceActionReplace),
					plancheck.ExpectResourceAction("crank_certificate.svc", plancheck.ResourceActionReplace),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					attrChanged("crank_certificate.svc", "serial", &serial),
					attrChanged("crank_ca.b", "subject_key_id", &aki),
					checkAKIMatches("crank_certificate.svc", "crank_ca.b"),
				),
			},
		},
	})
}

func checkAKIMatches(leafAddr, caAddr string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		leafPEM, err := stateAttr(s, leafAddr, "cert_pem")
		if err != nil {
			return err
		}
		ski, err := stateAttr(s, caAddr, "subject_key_id")
		if err != nil {
			return err
		}
		leaf, err := parseOne(leafPEM)
		if err != nil {
			return err
		}
		if got := hexID(leaf.AuthorityKeyId); got != ski {
			return fmt.Errorf("leaf AKI %s does not match %s SKI %s", got, caAddr, ski)
		}
		return nil
	}
}
