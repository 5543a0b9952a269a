"""The public JSON API under `/api/v1` (SPEC §5): parsing untrusted input, the routes,
and the OpenAPI description. Views only translate between HTTP and the services."""
