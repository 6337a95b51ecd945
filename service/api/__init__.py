"""The REST API: thin FastAPI routers over the pipeline."""
