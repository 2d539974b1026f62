"""Tests of the producer-user network: focal points, data sources, links."""
