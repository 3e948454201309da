"""Authentication: passwords, tokens, IP whitelists, and the identity of a request."""
