"""Use cases, one module per capability. Each owns its transaction (one request = one unit of work)."""
