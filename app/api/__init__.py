"""HTTP layer: FastAPI routers and Pydantic schemas. No SQL, no crypto."""
