package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

// certInfoFields describes the certificate facts shared by the
// crank_certificate data source and the parse_certificate function, so the
// two always expose the same names.
var certInfoFields = []struct {
	name, desc string
	typ        attr.Type
}{
	{"subject", "Subject distinguished name.", types.StringType},
	{"common_name", "Subject common name.", types.StringType},
	{"issuer", "Issuer distinguished name.", types.StringType},
	{"serial", "Serial number, colon-separated hex.", types.StringType},
	{"not_before", "Start of validity, RFC 3339.", types.StringType},
	{"not_after", "End of validity, RFC 3339.", types.StringType},
	{"is_ca", "Whether the certificate is a CA.", types.BoolType},
	{"dns_names", "DNS SANs.", types.ListType{ElemType: types.StringType}},
	{"ip_addresses", "IP SANs.", types.ListType{ElemType: types.StringType}},
	{"uris", "URI SANs.", types.ListType{ElemType: types.StringType}},
	{"spiffe_id", "The SPIFFE ID (the single spiffe:// URI SAN), empty when there is none.", types.StringType},
	{"subject_key_id", "Subject key identifier, colon-separated hex.", types.StringType},
	{"authority_key_id", "Authority key identifier, colon-separated hex.", types.StringType},
	{"fingerprint_sha256", "SHA-256 fingerprint of the DER certificate, hex.", types.StringType},
	{"fingerprint_sha1", "SHA-1 fingerprint of the DER certificate, hex (for tools that still show it).", types.StringType},
	{"key_algorithm", "Key type, in the provider's `key_algorithm` names; empty for other key types.", types.StringType},
}

func certInfoAttrTypes() map[string]attr.Type {
	out := make(map[string]attr.Type, len(certInfoFields))
	for _, f := range certInfoFields {
		out[f.name] = f.typ
	}
	return out
}

func stringListValue(values []string) types.List {
	elems := make([]attr.Value, len(values))
	for i, v := range values {
		elems[i] = types.StringValue(v)
	}
	return types.ListValueMust(types.StringType, elems)
}

// certInfoValues maps pki.CertInfo onto the shared field names.
func certInfoValues(info pki.CertInfo) map[string]attr.Value {
	return map[string]attr.Value{
		"subject":            types.StringValue(info.Subject),
		"common_name":        types.StringValue(info.CommonName),
		"issuer":             types.StringValue(info.Issuer),
		"serial":             types.StringValue(info.Serial),
		"not_before":         types.StringValue(rfc3339(info.NotBefore)),
		"not_after":          types.StringValue(rfc3339(info.NotAfter)),
		"is_ca":              types.BoolValue(info.IsCA),
		"dns_names":          stringListValue(info.DNSNames),
		"ip_addresses":       stringListValue(info.IPAddresses),
		"uris":               stringListValue(info.URIs),
		"spiffe_id":          types.StringValue(info.SPIFFEID),
		"subject_key_id":     types.StringValue(info.SubjectKeyID),
		"authority_key_id":   types.StringValue(info.AuthorityKeyID),
		"fingerprint_sha256": types.StringValue(info.FingerprintSHA256),
		"fingerprint_sha1":   types.StringValue(info.FingerprintSHA1),
		"key_algorithm":      types.StringValue(info.KeyAlgorithm),
	}
}
