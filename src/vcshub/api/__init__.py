"""The JSON-RPC API at /_admin/api (REFERENCE.md section 1)."""
