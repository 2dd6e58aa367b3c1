"""Sessions (bijeenkomsten), the experts on them, and participant registration."""
