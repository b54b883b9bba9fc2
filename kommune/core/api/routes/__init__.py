"""The routers of core: municipalities, processes with phases, comments and reactions, the token's person."""
