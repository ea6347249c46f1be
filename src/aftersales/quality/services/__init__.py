"""Quality use cases, one module per area. Pages and API call these, never the models."""
