"""REST API under /api/v1, documented with OpenAPI by flask-smorest."""
