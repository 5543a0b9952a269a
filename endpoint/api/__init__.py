"""The public JSON API under `/api/v1` (README.md#http-api): parsing untrusted input, the routes,
and the OpenAPI description. Views only translate between HTTP and the services."""
