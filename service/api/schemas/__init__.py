"""API schemas (``*Public`` out, ``*Create`` in), kept apart from the table models."""
