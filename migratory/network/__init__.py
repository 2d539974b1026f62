"""The producer-user network: focal points, data sources, producer-user links."""
