"""Rule-based coding helpers: argument finding and attribution."""
