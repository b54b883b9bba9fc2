"""The framework's own routers: municipalities and the token's person. Apps register theirs (registry.py)."""
