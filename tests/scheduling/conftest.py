"""The scheduling tests use the shared ``plan`` (tests/plugins/data.py): a period, regions,
themes, a coordinator, experts and a granted request; ``plan.granted(...)`` makes another
granted request and ``plan.available(expert, day, dagdeel)`` gives an expert a free slot.
``coordinator_client`` and ``expert_client`` are logged in as the plan's coordinator and
expert. Every user has the password ``PASSWORD``.
"""
