"""Quiet Session's reference backend: the API the app talks to, as FastAPI."""
