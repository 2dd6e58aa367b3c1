"""Demo data: a living example for newcomers and for the browser tests."""
