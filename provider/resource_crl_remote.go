package provider

import (
	"context"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/crank-platform/terraform-provider-crank/internal/issuer"
	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

// A crank_crl of a remote issuer (step-ca): the CA holds the key, so crank
// cannot sign a CRL for it. Instead every entry is revoked through the CA's
// API, and the resource exposes the CA's own CRL, checked against the
// issuing CA certificate. What a remote CA cannot do is a plan error.

// remoteCRL is the backend of a remote issuer and what it can do for a CRL.
type remoteCRL struct {
	name      string
	backend   issuer.Backend
	publisher issuer.CRLPublisher
}

// remoteCRLIssuer returns the remote backend of handle, or nil for an
// issuer whose key this provider signs with (the CRL is signed here).
func remoteCRLIssuer(handle string) (*remoteCRL, error) {
	name, b, err := resolveBackend(handle)
	if err != nil {
		return nil, err
	}
	if _, local := b.(issuer.LocalSigner); local {
		return nil, nil
	}
	pub, ok := b.(issuer.CRLPublisher)
	if !ok {
		return nil, &issuer.UnsupportedError{Backend: name, Operation: "sign or publish a CRL", Hint: "its CA key is remote and it serves no CRL crank can read. Sign the CRL with a crank_ca instead"}
	}
	return &remoteCRL{name: name, backend: b, publisher: pub}, nil
}

// checkRemoteCRLConfig refuses what the remote CA decides itself: the
// CRL's lifetime and the revocation times.
func checkRemoteCRLConfig(ctx context.Context, cfg *crlModel, name string) diag.Diagnostics {
	var diags diag.Diagnostics
	if !cfg.NextUpdate.IsNull() {
		diags.AddAttributeError(path.Root("next_update"), "next_update cannot be honoured by a remote CA",
			fmt.Sprintf("The %q issuer signs its own CRL and decides its lifetime (step-ca: crl.cacheDuration in ca.json). Remove next_update; next_update_at shows the CA's.", name))
	}
	for i, e := range cfg.revokedEntries(ctx) {
		if !e.RevokedAt.IsNull() {
			diags.AddAttributeError(path.Root("revoked").AtListIndex(i).AtName("revoked_at"), "revoked_at cannot be honoured by a remote CA",
				fmt.Sprintf("revoked[%d].revoked_at: the %q issuer records the time it is asked to revoke, and a revocation cannot be backdated through its API. Remove revoked_at; revocations shows the CA's time.", i, name))
		}
	}
	return diags
}

// planRemote plans the CRL of a remote issuer: the entries to revoke are
// known now, the CRL the CA will serve only after apply. The CA's current
// CRL is read now, so a CA without one fails the plan.
func (r *crlResource) planRemote(ctx context.Context, rc *remoteCRL, plan, state *crlModel, diags *diag.Diagnostics) {
	plan.CRLNumber = types.Int64Unknown()
	if !plan.inputsKnown(ctx) {
		plan.Revocations = types.ListUnknown(crlRevocationType)
		plan.RevokedSerials = types.ListUnknown(types.StringType)
		plan.CRLPEM, plan.CRLDERBase64 = types.StringUnknown(), types.StringUnknown()
		plan.ThisUpdate, plan.NextUpdateAt = types.StringUnknown(), types.StringUnknown()
		return
	}
	ch, err := rc.backend.CAChain(ctx)
	if err != nil {
		diags.Append(diagBadIssuer(err))
		return
	}
	current, err := rc.publisher.CRL(ctx)
	if err != nil {
		diags.Append(diag.NewAttributeErrorDiagnostic(path.Root("issuer"), "The remote CA's CRL is unavailable", err.Error()))
		return
	}
	entries, d := effectiveRevocations(plan.inputs(ctx, ch.Cert, state, r.data.now()))
	if diags.Append(d...); diags.HasError() {
		return
	}
	issuerID := pki.HexID(ch.Cert.SubjectKeyId)
	regenerate := state == nil || state.ID.ValueString() != issuerID || !sameRevocations(entries, state.revocations(ctx)) ||
		state.CRLNumber.IsNull() || current.Number == nil || current.Number.Int64() != state.CRLNumber.ValueInt64()
	if state != nil && state.ID.ValueString() == issuerID {
		warnPermanentRevocations(state.revocations(ctx), entries, rc.name, diags)
	}
	if !regenerate {
		plan.ID, plan.CRLPEM, plan.CRLDERBase64, plan.CRLNumber = state.ID, state.CRLPEM, state.CRLDERBase64, state.CRLNumber
		plan.ThisUpdate, plan.NextUpdateAt, plan.RevokedSerials, plan.Revocations = state.ThisUpdate, state.NextUpdateAt, state.RevokedSerials, state.Revocations
		return
	}
	plan.ID = types.StringValue(issuerID)
	diags.Append(setRevocations(ctx, plan, entries)...)
	// The CA decides each new entry's time when it revokes it.
	if slices.ContainsFunc(entries, func(e crlRevocation) bool { return e.fresh }) {
		plan.Revocations = types.ListUnknown(crlRevocationType)
	}
	plan.CRLPEM, plan.CRLDERBase64 = types.StringUnknown(), types.StringUnknown()
	plan.ThisUpdate, plan.NextUpdateAt = types.StringUnknown(), types.StringUnknown()
}

// warnPermanentRevocations says that dropping an entry does not undo it: a
// CA's revocation cannot be withdrawn through its API.
func warnPermanentRevocations(prior, entries []crlRevocation, name string, diags *diag.Diagnostics) {
	var gone []string
	for _, p := range prior {
		if !slices.ContainsFunc(entries, func(e crlRevocation) bool { return e.Serial == p.Serial }) {
			gone = append(gone, p.Serial)
		}
	}
	if len(gone) > 0 {
		diags.AddAttributeWarning(path.Root("revoked"), "Revocations at a remote CA are permanent",
			fmt.Sprintf("Serial(s) %s leave this resource, but the %q issuer revoked them and keeps listing them in its CRL: a revocation cannot be withdrawn. Issue a new certificate instead.", strings.Join(gone, ", "), name))
	}
}

// signRemote revokes, through the CA's API, every entry the prior state
// does not hold yet, then reads the CA's CRL into m. A failure leaves m
// for the caller to discard; revocations already made stay made, and the
// next apply finds them "already revoked".
func (r *crlResource) signRemote(ctx context.Context, rc *remoteCRL, m, state *crlModel) diag.Diagnostics {
	var diags diag.Diagnostics
	ch, err := rc.backend.CAChain(ctx)
	if err != nil {
		diags.Append(diagBadIssuer(err))
		return diags
	}
	issuerID := pki.HexID(ch.Cert.SubjectKeyId)
	entries := m.revocations(ctx)
	if m.Revocations.IsUnknown() {
		var d diag.Diagnostics
		entries, d = effectiveRevocations(m.applyInputs(ctx, ch.Cert, state, r.data.now().Truncate(time.Second)))
		if diags.Append(d...); diags.HasError() {
			return diags
		}
	}
	done := map[string]bool{}
	if state != nil && state.ID.ValueString() == issuerID {
		for _, p := range state.revocations(ctx) {
			done[p.Serial] = true
		}
	}
	for _, e := range entries {
		if done[e.Serial] {
			continue
		}
		serial, err := pki.ParseSerial(e.Serial)
		if err != nil {
			diags.AddError("Corrupt CRL state", err.Error())
			return diags
		}
		reason, _ := pki.ParseRevocationReason(e.Reason)
		if _, err := rc.backend.Revoke(ctx, &issuer.RevokeRequest{Serial: serial, Reason: reason}); err != nil && !errors.Is(err, issuer.ErrAlreadyRevoked) {
			diags.AddAttributeError(path.Root("revoked"), "The remote CA did not revoke a certificate",
				fmt.Sprintf("Revoking serial %s through the %q issuer failed: %v. Nothing was recorded; apply again once the cause is fixed (serials it revoked already are not revoked twice).", e.Serial, rc.name, err))
			return diags
		}
	}
	crl, err := rc.publisher.CRL(ctx)
	if err != nil {
		diags.Append(diag.NewAttributeErrorDiagnostic(path.Root("issuer"), "The remote CA's CRL is unavailable", err.Error()))
		return diags
	}
	listedAt := map[string]time.Time{}
	for _, rev := range crl.RevokedCertificateEntries {
		listedAt[pki.FormatSerial(rev.SerialNumber)] = rev.RevocationTime
	}
	var missing []string
	for i, e := range entries {
		at, ok := listedAt[e.Serial]
		if !ok {
			missing = append(missing, e.Serial)
			continue
		}
		if !done[e.Serial] {
			entries[i].RevokedAt = rfc3339(at)
		}
	}
	if len(missing) > 0 {
		diags.AddAttributeWarning(path.Root("crl_pem"), "The CA's CRL does not list every revocation yet",
			fmt.Sprintf("The %q issuer revoked serial(s) %s, but its current CRL (number %s) does not list them yet; relying parties see them once the CA signs its next CRL. step-ca does so at once with crl.generateOnRevoke = true in ca.json.", rc.name, strings.Join(missing, ", "), crl.Number))
	}
	setRemoteCRL(m, issuerID, crl)
	diags.Append(setRevocations(ctx, m, entries)...)
	return diags
}

func setRemoteCRL(m *crlModel, issuerID string, crl *x509.RevocationList) {
	m.ID = types.StringValue(issuerID)
	m.CRLNumber = types.Int64Null()
	if crl.Number != nil {
		m.CRLNumber = types.Int64Value(crl.Number.Int64())
	}
	m.CRLPEM = types.StringValue(pki.EncodeCRLPEM(crl.Raw))
	m.CRLDERBase64 = types.StringValue(base64.StdEncoding.EncodeToString(crl.Raw))
	m.ThisUpdate = types.StringValue(rfc3339(crl.ThisUpdate))
	m.NextUpdateAt = types.StringValue(rfc3339(crl.NextUpdate))
}
