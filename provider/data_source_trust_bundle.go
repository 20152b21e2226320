package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/crank-platform/terraform-provider-crank/internal/pki"
)

var (
	_ datasource.DataSource              = (*trustBundleDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*trustBundleDataSource)(nil)
)

// A data source, not a resource: merging is a pure function of its inputs,
// so there is nothing to keep in state and it follows every CA change on
// the same plan that makes it.
type trustBundleDataSource struct{ data *providerData }

// NewTrustBundleDataSource is the crank_trust_bundle data source factory.
func NewTrustBundleDataSource() datasource.DataSource { return &trustBundleDataSource{} }

type trustBundleModel struct {
	CertificatesPEM  []types.String     `tfsdk:"certificates_pem"`
	BundlePEM        types.String       `tfsdk:"bundle_pem"`
	Certificates     []bundleEntryModel `tfsdk:"certificates"`
	EarliestNotAfter types.String       `tfsdk:"earliest_not_after"`
}

type bundleEntryModel struct {
	Subject           types.String `tfsdk:"subject"`
	SubjectKeyID      types.String `tfsdk:"subject_key_id"`
	Serial            types.String `tfsdk:"serial"`
	NotBefore         types.String `tfsdk:"not_before"`
	NotAfter          types.String `tfsdk:"not_after"`
	FingerprintSHA256 types.String `tfsdk:"fingerprint_sha256"`
	Expired           types.Bool   `tfsdk:"expired"`
}

func (d *trustBundleDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_trust_bundle"
}

func (d *trustBundleDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, _ *datasource.ConfigureResponse) {
	if pd, ok := req.ProviderData.(*providerData); ok {
		d.data = pd
	}
}

func (d *trustBundleDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	str := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Merges old and new CA certificates into one trust bundle for a rotation overlap window: clients that trust `bundle_pem` accept leaves of both the outgoing and the incoming CA, so no handshake fails while services are re-issued. " +
			"Duplicates are removed and the certificates are ordered by `not_after`, soonest first. See the CA rotation guide.",
		Attributes: map[string]schema.Attribute{
			"certificates_pem": schema.ListAttribute{
				ElementType: types.StringType, Required: true,
				MarkdownDescription: "PEM documents with CA certificates, for example `[crank_ca.intermediate_old.cert_pem, crank_ca.intermediate.cert_pem, crank_ca.root.cert_pem]`. Each element may hold several certificates. Only CA certificates are accepted.",
				Validators:          []validator.List{listvalidator.SizeAtLeast(1)},
			},
			"bundle_pem":         str("The merged, deduplicated, ordered certificates, PEM: the CA file clients trust during the overlap."),
			"earliest_not_after": str("The soonest `not_after` in the bundle, RFC 3339: the end of the overlap window at the latest."),
			"certificates": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The certificates of `bundle_pem`, in the same order.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"subject":            str("Subject distinguished name."),
					"subject_key_id":     str("Subject key identifier, colon-separated hex; a leaf's authority key identifier names the CA it needs."),
					"serial":             str("Serial number, colon-separated hex."),
					"not_before":         str("Start of validity, RFC 3339."),
					"not_after":          str("End of validity, RFC 3339."),
					"fingerprint_sha256": str("SHA-256 fingerprint of the DER certificate, hex."),
					"expired":            schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether `not_after` has passed (by the provider clock); an expired CA can be dropped from the list."},
				}},
			},
		},
	}
}

func (d *trustBundleDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m trustBundleModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	certs, err := pki.MergeTrustBundle(stringList(m.CertificatesPEM))
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("certificates_pem"), "Invalid trust bundle input", err.Error())
		return
	}
	now := time.Now()
	if d.data != nil {
		now = d.data.now()
	}
	m.BundlePEM = types.StringValue(pki.EncodeCertsPEM(certs...))
	m.Certificates = make([]bundleEntryModel, 0, len(certs))
	for _, c := range certs {
		info := pki.Describe(c)
		m.Certificates = append(m.Certificates, bundleEntryModel{
			Subject:           types.StringValue(info.Subject),
			SubjectKeyID:      types.StringValue(info.SubjectKeyID),
			Serial:            types.StringValue(info.Serial),
			NotBefore:         types.StringValue(rfc3339(info.NotBefore)),
			NotAfter:          types.StringValue(rfc3339(info.NotAfter)),
			FingerprintSHA256: types.StringValue(info.FingerprintSHA256),
			Expired:           types.BoolValue(!now.Before(info.NotAfter)),
		})
	}
	m.EarliestNotAfter = types.StringNull()
	if len(certs) > 0 {
		m.EarliestNotAfter = types.StringValue(rfc3339(certs[0].NotAfter))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}
