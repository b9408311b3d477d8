"""The HTTP API: `create_app()` builds it; routes live by domain in `api/routes/`."""
