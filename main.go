// Command terraform-provider-crank serves the crank Terraform provider.
package main

import (
	"context"
	"flag"
	"log"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/crank-platform/terraform-provider-crank/provider"
)

// version is set by goreleaser at release time.
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "start the provider with support for debuggers like delve")
	flag.Parse()
	quietSDKLogsUnlessAsked()

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address:         "registry.terraform.io/crank-platform/crank",
		Debug:           debug,
		ProtocolVersion: 6,
	})
	if err != nil {
		log.Fatal(err)
	}
}

// quietSDKLogsUnlessAsked turns the plugin SDK's own logging off when nobody
// asked for logs. The SDK defaults to trace level in the plugin and leaves the
// filtering to Terraform, which discards it; formatting those records is about
// a third of the provider's CPU time in a plan over hundreds of certificates.
// Any TF_LOG* variable keeps the SDK's usual behaviour.
func quietSDKLogsUnlessAsked() {
	for _, name := range []string{"TF_LOG", "TF_LOG_PROVIDER", "TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PATH"} {
		if os.Getenv(name) != "" {
			return
		}
	}
	_ = os.Setenv("TF_LOG_SDK", "off")
}
