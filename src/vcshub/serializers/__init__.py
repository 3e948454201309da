"""Serializer functions of domain objects: the result shapes of REFERENCE.md section 3.

Shared by the JSON-RPC API and the web UI, so both show the same data.
"""
