"""Serializer functions of domain objects: the result shapes of REFERENCE.md section 3, and feeds.

The JSON-RPC API builds its results with them and the web its feeds; a page that shows the same
data must use them too, so that both ways in show the same thing.
"""
