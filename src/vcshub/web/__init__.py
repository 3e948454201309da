"""The web UI and the request facts shared by every HTTP adapter."""
