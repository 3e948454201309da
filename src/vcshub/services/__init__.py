"""The domain: every operation checks permissions, changes DB and disk together, raises typed errors."""

# Registers the check every session runs before writing rows (no NUL in stored text).
from vcshub.services import text_input  # noqa: E402, F401
