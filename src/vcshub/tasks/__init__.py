"""Background work: an in-process runner of periodic jobs (Celery can take over later)."""
