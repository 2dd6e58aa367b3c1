"""The expert tests use the shared fixtures (tests/plugins/data.py): ``themes``, ``regions``,
``coordinator``, ``expert``, ``other_expert``, ``coordinator_client``, ``expert_client``.

Every user has the password ``PASSWORD``. ``login(client, user)`` logs a test client in and
returns it.
"""
