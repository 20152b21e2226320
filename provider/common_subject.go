package provider

import (
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// subjectAttributes are the distinguished-name attributes crank_ca and
// crank_certificate share; a CA must name itself, a certificate need not.
func subjectAttributes(commonNameRequired bool, commonNameDesc string) map[string]schema.Attribute {
	opt := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Optional: true, MarkdownDescription: desc}
	}
	return map[string]schema.Attribute{
		"common_name": schema.StringAttribute{
			Required: commonNameRequired, Optional: !commonNameRequired, MarkdownDescription: commonNameDesc,
			Validators: []validator.String{stringvalidator.LengthBetween(1, 64)},
		},
		"organization":        opt("Organization (O)."),
		"organizational_unit": opt("Organizational unit (OU)."),
		"country":             schema.StringAttribute{Optional: true, MarkdownDescription: "Two-letter country code (C).", Validators: []validator.String{stringvalidator.LengthBetween(2, 2)}},
		"province":            opt("State or province (ST)."),
		"locality":            opt("Locality (L)."),
	}
}
