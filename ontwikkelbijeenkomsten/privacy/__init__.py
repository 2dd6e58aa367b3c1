"""Privacy by design: the purge of data past its retention period, and a person's requests for
access and erasure. Both strip the person from a row and keep the row, so every report counts
the same before and after (see README, "Privacy")."""
