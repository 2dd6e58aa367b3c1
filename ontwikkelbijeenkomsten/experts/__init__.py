"""Experts: profiles, availability per dagdeel, assignments and calendar feed."""
