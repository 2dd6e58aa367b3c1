"""Regional requests for expert dagdelen and their review."""
