"""The archive's read-only web page (FastAPI + Jinja2, server-rendered, no JavaScript build step)."""
