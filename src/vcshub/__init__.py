"""vcshub: self-hosted Git and Mercurial hosting with a RhodeCode-compatible JSON-RPC API."""

__version__ = "0.1.0"
