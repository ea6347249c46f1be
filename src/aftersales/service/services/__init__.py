"""After-sales case use cases, one module per area. Pages and API call these."""
