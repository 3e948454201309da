"""Command-line adapters: ``vcshub`` (administration, serving) and ``vcshub-api`` (API client)."""
