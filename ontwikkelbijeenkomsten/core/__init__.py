"""Pieces every capability shares: database base, time, tokens, audit log and the site pages."""
