"""The permission model: names, defaults and the computation of effective permissions."""
