# One operation of the billing service, mapped to its HTTP route so the
# service's middleware can decide requests by capability name.
resource "crank_capability" "invoice_read" {
  service     = "billing"
  name        = "invoice.read"
  http_method = "GET"
  http_path   = "/v1/invoices/{id}"
}

# The same operation over gRPC.
resource "crank_capability" "invoice_create" {
  service     = "billing"
  name        = "invoice.create"
  http_method = "POST"
  http_path   = "/v1/invoices"
  grpc_method = "/billing.v1.Invoices/Create"
}
