"""The domain: every operation checks permissions, changes DB and disk together, raises typed errors."""
