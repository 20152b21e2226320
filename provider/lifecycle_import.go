package provider

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

// terraform import brings back a CA or certificate that exists on disk but
// not in state: after a lost state, a `state rm`, or to adopt a PKI made
// elsewhere. The import ID is a comma-separated list of key=value pairs
// naming local files, read relative to the working directory:
//
//	crank_ca, file-backed:  key_file=keys/root.key[,cert_pem=root.pem][,issued_pem=leaf.pem]
//	crank_ca, state-backed: cert_pem=root.pem,key_pem=root-key.pem[,issued_pem=leaf.pem]
//	crank_certificate:      cert_pem=billing.pem   (or just the path)
//
// Nothing is written: import only reads and checks the files.

func importHelp(kind string) string {
	switch kind {
	case "ca":
		return "Use `key_file=<encrypted key file>` (the certificate is taken from the file's record; add `,cert_pem=<PEM file>` for key files written by hand or before key files recorded their certificate) for a file-backed CA, " +
			"or `cert_pem=<PEM file>,key_pem=<unencrypted PEM key>` to keep the key in state. A cert_pem file holds the CA certificate followed by its parents, root last. " +
			"Add `,issued_pem=<PEM file>` naming a certificate this CA signed when the CA sets crl_distribution_points, ocsp_servers or issuing_certificate_urls: they are read back from it."
	default:
		return "Use `cert_pem=<PEM file>` (or just the path) naming the issued certificate; the file may hold its chain after it."
	}
}

func parseImportID(id, kind string, allowed ...string) (map[string]string, error) {
	out := map[string]string{}
	for _, part := range strings.Split(id, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			if len(allowed) == 1 {
				k, v = allowed[0], part
			} else {
				return nil, fmt.Errorf("%q is not key=value", part)
			}
		}
		if !contains(allowed, k) {
			return nil, fmt.Errorf("unknown key %q (accepted: %s)", k, strings.Join(allowed, ", "))
		}
		out[k] = v
	}
	if len(out) == 0 {
		return nil, errors.New("the import ID is empty")
	}
	return out, nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func readCertsFile(p string) ([]*x509.Certificate, error) {
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	certs, err := pki.ParseCertsPEM(string(data))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	if len(certs) == 0 {
		return nil, fmt.Errorf("%s holds no PEM certificate", p)
	}
	return certs, nil
}

// ImportState rebuilds a crank_ca's state from its key and certificate.
func (r *caResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	args, err := parseImportID(req.ID, "ca", "key_file", "cert_pem", "key_pem", "issued_pem")
	if err != nil {
		resp.Diagnostics.AddError("Invalid crank_ca import ID", err.Error()+". "+importHelp("ca"))
		return
	}
	m, diags := importCA(args)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, m)...)
}

func importCA(args map[string]string) (*caModel, diag.Diagnostics) {
	var diags diag.Diagnostics
	fail := func(summary, detail string) (*caModel, diag.Diagnostics) {
		diags.AddError(summary, detail)
		return nil, diags
	}
	keyFile, fileBacked := args["key_file"]
	var chain []*x509.Certificate
	if p, ok := args["cert_pem"]; ok {
		certs, err := readCertsFile(p)
		if err != nil {
			return fail("Cannot read the CA certificate", err.Error()+". "+importHelp("ca"))
		}
		chain = certs
	}
	iss := &pki.Issuer{}
	switch {
	case fileBacked && args["key_pem"] != "":
		return fail("Invalid crank_ca import ID", "key_file and key_pem exclude each other: a CA keeps its key either in an encrypted file or in state. "+importHelp("ca"))
	case fileBacked:
		if chain == nil {
			recs, err := pki.KeyFileCertificates(keyFile)
			if err != nil {
				d, ok := keyFileDiag(err, path.Root("key_file"))
				if !ok {
					return fail("Cannot read the key file", err.Error())
				}
				diags.Append(d)
				return nil, diags
			}
			if len(recs) == 0 {
				return fail("Key file records no certificate", fmt.Sprintf("%s was written before key files recorded their CA certificate, or by hand. Name the certificate too: `key_file=%s,cert_pem=<PEM file of the CA certificate and its parents>`.", keyFile, keyFile))
			}
			chain = recs
		}
		key, err := pki.ReadKeyFile(keyFile, envPassphrase(), "")
		if err != nil {
			if d, ok := keyFileDiag(err, path.Root("key_file")); ok {
				diags.Append(d)
				return nil, diags
			}
			return fail("Cannot read the key file", err.Error())
		}
		iss.Key = key
	default:
		kp, ok := args["key_pem"]
		if !ok || chain == nil {
			return fail("Invalid crank_ca import ID", "A state-backed CA needs both cert_pem and key_pem. "+importHelp("ca"))
		}
		data, err := os.ReadFile(kp)
		if err != nil {
			return fail("Cannot read the CA key", err.Error())
		}
		if iss.Key, err = pki.ParsePrivateKeyPEM(string(data)); err != nil {
			return fail("Cannot read the CA key", fmt.Sprintf("%s: %v", kp, err))
		}
	}
	iss.Cert, iss.Parents = chain[0], chain[1:]
	if err := iss.Check(); err != nil {
		return fail("The imported CA cannot sign", err.Error()+". The key must be the CA certificate's key and each certificate after it must have signed the one before.")
	}
	m := caModelFromCert(iss.Cert)
	if p, ok := args["issued_pem"]; ok {
		if d := importPointers(p, iss, m); d != nil {
			diags.Append(d)
			return nil, diags
		}
	}
	var handle string
	var err error
	if fileBacked {
		m.KeyStorage, m.KeyFile = types.StringValue(keyStorageFile), types.StringValue(keyFile)
		handle, err = pki.EncodeFileHandle(iss, keyFile)
	} else {
		m.KeyStorage, m.KeyFile = types.StringValue(keyStorageState), types.StringNull()
		handle, err = pki.EncodeHandle(iss)
	}
	if err != nil {
		return fail("Could not encode the issuer handle", err.Error())
	}
	setCAOutputs(m, iss, handle)
	return m, diags
}

// importPointers reads the URLs a CA writes into what it signs back from
// one certificate it signed: crl_distribution_points, ocsp_servers and
// issuing_certificate_urls live only in the issuer handle, not in the CA's
// own certificate, so without this a configuration that sets them would
// plan a new CA right after the import.
func importPointers(file string, iss *pki.Issuer, m *caModel) diag.Diagnostic {
	certs, err := readCertsFile(file)
	if err != nil {
		return diag.NewErrorDiagnostic("Cannot read the issued certificate", err.Error()+". "+importHelp("ca"))
	}
	issued := certs[0]
	if err := issued.CheckSignatureFrom(iss.Cert); err != nil {
		return diag.NewErrorDiagnostic("The issued certificate is not this CA's",
			fmt.Sprintf("issued_pem %s (subject %q) was not signed by the imported CA %q: %v. Name a certificate this CA signed, such as one of its service certificates.", file, issued.Subject, iss.Cert.Subject, err))
	}
	iss.Pointers = pki.Pointers{
		CRLDistributionPoints:  issued.CRLDistributionPoints,
		OCSPServers:            issued.OCSPServer,
		IssuingCertificateURLs: issued.IssuingCertificateURL,
	}
	m.CRLDistributionPoints = stringValues(issued.CRLDistributionPoints)
	m.OCSPServers = stringValues(issued.OCSPServer)
	m.IssuingCertificateURLs = stringValues(issued.IssuingCertificateURL)
	return nil
}

// caModelFromCert reads back the inputs a CA was created with from its
// certificate, so the plan after an import matches the configuration.
// parent cannot be read back (it is another resource's handle); the first
// apply records it in place. crl_distribution_points, ocsp_servers and
// issuing_certificate_urls are what the CA writes into the certificates it
// signs, not into its own: importPointers reads them from one of those.
func caModelFromCert(c *x509.Certificate) *caModel {
	m := &caModel{
		Subject:         subjectFromName(c),
		Validity:        durationOf(formatDuration(c.NotAfter.Sub(c.NotBefore))),
		Parent:          types.StringNull(),
		MaxPathLength:   types.Int64Value(-1),
		KeyPassphraseWO: types.StringNull(),
	}
	if alg, err := pki.AlgorithmOf(c.PublicKey); err == nil {
		m.KeyAlgorithm = types.StringValue(string(alg))
	}
	if c.MaxPathLen > 0 || c.MaxPathLenZero {
		m.MaxPathLength = types.Int64Value(int64(c.MaxPathLen))
	}
	var ipsIn, ipsOut []string
	for _, n := range c.PermittedIPRanges {
		ipsIn = append(ipsIn, n.String())
	}
	for _, n := range c.ExcludedIPRanges {
		ipsOut = append(ipsOut, n.String())
	}
	if len(c.PermittedDNSDomains)+len(c.ExcludedDNSDomains)+len(c.PermittedURIDomains)+len(c.ExcludedURIDomains)+len(ipsIn)+len(ipsOut) > 0 {
		m.NameConstraints = &nameConstraintsModel{
			Critical:            types.BoolValue(c.PermittedDNSDomainsCritical),
			PermittedDNSDomains: stringValues(c.PermittedDNSDomains),
			ExcludedDNSDomains:  stringValues(c.ExcludedDNSDomains),
			PermittedURIDomains: stringValues(c.PermittedURIDomains),
			ExcludedURIDomains:  stringValues(c.ExcludedURIDomains),
			PermittedIPRanges:   stringValues(ipsIn),
			ExcludedIPRanges:    stringValues(ipsOut),
		}
	}
	return m
}

func subjectFromName(c *x509.Certificate) *subjectModel {
	first := func(v []string) types.String {
		if len(v) == 0 {
			return types.StringNull()
		}
		return types.StringValue(v[0])
	}
	n := c.Subject
	return &subjectModel{
		CommonName:         types.StringValue(n.CommonName),
		Organization:       first(n.Organization),
		OrganizationalUnit: first(n.OrganizationalUnit),
		Country:            first(n.Country),
		Province:           first(n.Province),
		Locality:           first(n.Locality),
	}
}

// stringValues keeps an empty list null, as an unset list attribute is.
func stringValues(v []string) []types.String {
	if len(v) == 0 {
		return nil
	}
	out := make([]types.String, len(v))
	for i, s := range v {
		out[i] = types.StringValue(s)
	}
	return out
}

// ImportState rebuilds a crank_certificate's state from the issued
// certificate. Its private key is never imported: it stays wherever the
// service keeps it, private_key_pem is null, and the next renewal makes a
// new key (or certifies public_key_pem / csr_pem when set). issuer is
// recorded by the first apply, in place, once the configuration names it.
func (r *certificateResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	args, err := parseImportID(req.ID, "certificate", "cert_pem")
	if err != nil {
		resp.Diagnostics.AddError("Invalid crank_certificate import ID", err.Error()+". "+importHelp("certificate"))
		return
	}
	certs, err := readCertsFile(args["cert_pem"])
	if err != nil {
		resp.Diagnostics.AddError("Cannot read the certificate", err.Error()+". "+importHelp("certificate"))
		return
	}
	leaf := certs[0]
	if leaf.IsCA {
		resp.Diagnostics.AddError("Not a service certificate", fmt.Sprintf("%s holds a CA certificate (%q); import it as a crank_ca.", args["cert_pem"], leaf.Subject.String()))
		return
	}
	if len(leaf.URIs) != 1 {
		resp.Diagnostics.AddError("Not a crank service certificate", fmt.Sprintf("%s has %d URI SANs; a crank_certificate carries exactly one SPIFFE ID.", args["cert_pem"], len(leaf.URIs)))
		return
	}
	id, err := pki.ParseSPIFFEID(leaf.URIs[0].String())
	if err != nil || id.Path == "" {
		resp.Diagnostics.AddError("Not a crank service certificate", fmt.Sprintf("%s: its URI SAN %q is not a workload SPIFFE ID: %v", args["cert_pem"], leaf.URIs[0].String(), err))
		return
	}
	var usages []string
	for _, u := range leaf.ExtKeyUsage {
		switch u {
		case x509.ExtKeyUsageClientAuth:
			usages = append(usages, string(pki.UsageClient))
		case x509.ExtKeyUsageServerAuth:
			usages = append(usages, string(pki.UsageServer))
		}
	}
	sort.Strings(usages)
	usageSet := stringValues(usages)
	var ips []string
	for _, ip := range leaf.IPAddresses {
		ips = append(ips, ip.String())
	}
	info := pki.Describe(leaf)
	m := certificateModel{
		ID:                types.StringValue(info.Serial),
		Issuer:            types.StringNull(),
		Service:           types.StringValue(strings.TrimPrefix(id.Path, "/")),
		TrustDomain:       types.StringValue(id.TrustDomain),
		SPIFFEID:          types.StringValue(id.String()),
		DNSNames:          stringValues(leaf.DNSNames),
		IPAddresses:       stringValues(ips),
		Usages:            usageSet,
		PublicKeyPEM:      types.StringNull(),
		PublicKeyPEMWO:    types.StringNull(),
		CSRPEM:            types.StringNull(),
		Validity:          durationOf(formatDuration(leaf.NotAfter.Sub(leaf.NotBefore))),
		RenewBefore:       durationOf(formatDuration(leaf.NotAfter.Sub(leaf.NotBefore) / 3)),
		CertPEM:           types.StringValue(pki.EncodeCertsPEM(leaf)),
		ChainPEM:          types.StringValue(pki.EncodeCertsPEM(certs...)),
		CABundlePEM:       types.StringNull(),
		PrivateKeyPEM:     types.StringNull(),
		NotBefore:         types.StringValue(rfc3339(info.NotBefore)),
		NotAfter:          types.StringValue(rfc3339(info.NotAfter)),
		Serial:            types.StringValue(info.Serial),
		FingerprintSHA256: types.StringValue(info.FingerprintSHA256),
		ReadyForRenewal:   types.BoolValue(false),
	}
	// With its root, the file says what chain_pem and ca_bundle_pem are;
	// without, both stay null and the first apply derives them from issuer.
	m.ChainPEM = types.StringNull()
	if root := certs[len(certs)-1]; len(certs) > 1 && selfSigned(root) {
		m.ChainPEM = types.StringValue(pki.EncodeCertsPEM(certs[:len(certs)-1]...))
		m.CABundlePEM = types.StringValue(pki.EncodeCertsPEM(root))
	}
	if alg, err := pki.AlgorithmOf(leaf.PublicKey); err == nil {
		m.KeyAlgorithm = types.StringValue(string(alg))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// sameKeyAsImported replaces a certificate over public_key_pem or csr_pem
// unless the state has none because it was imported and its certificate
// already certifies the configured key.
func sameKeyAsImported() planmodifier.String {
	return stringplanmodifier.RequiresReplaceIf(func(ctx context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
		resp.RequiresReplace = true
		if !req.StateValue.IsNull() || !knownString(req.PlanValue) {
			return
		}
		var certPEM types.String
		if d := req.State.GetAttribute(ctx, path.Root("cert_pem"), &certPEM); d.HasError() || !knownString(certPEM) {
			return
		}
		leaf, err := pki.ParseCertPEM(certPEM.ValueString())
		if err != nil {
			return
		}
		var pub any
		if req.Path.Equal(path.Root("csr_pem")) {
			csr, err := pki.ParseCSRPEM(req.PlanValue.ValueString())
			if err != nil {
				return
			}
			pub = csr.PublicKey
		} else if pub, err = pki.ParsePublicKeyPEM(req.PlanValue.ValueString()); err != nil {
			return
		}
		resp.RequiresReplace = !pki.PublicKeysEqual(pub, leaf.PublicKey)
	}, "Replaces the certificate when the key changes.", "Replaces the certificate when the key changes.")
}

// replaceIfParentCertChanged replaces a CA when the certificate of its
// parent changes. A parent handle also changes when only the parent's key
// storage does, and an imported intermediate has no parent in state at all;
// neither is a reason to make a new CA.
func replaceIfParentCertChanged() planmodifier.String {
	return stringplanmodifier.RequiresReplaceIf(func(ctx context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
		resp.RequiresReplace = true
		if !knownString(req.PlanValue) {
			resp.RequiresReplace = !req.PlanValue.IsNull() || !req.StateValue.IsNull()
			return
		}
		planned, _, err := issuerCertificates(req.PlanValue.ValueString())
		if err != nil {
			return
		}
		var issuer types.String
		if d := req.State.GetAttribute(ctx, path.Root("issuer"), &issuer); d.HasError() || !knownString(issuer) {
			return
		}
		_, parents, err := issuerCertificates(issuer.ValueString())
		if err != nil || len(parents) == 0 {
			return
		}
		resp.RequiresReplace = !parents[0].Equal(planned)
	}, "Replaces the CA when its parent's certificate changes.", "Replaces the CA when its parent's certificate changes.")
}
