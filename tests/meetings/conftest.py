"""The meeting tests use the shared ``plan``, ``make_training`` and ``training``
(tests/plugins/data.py): ``make_training(...)`` builds an open training (one meeting, or a
series with ``parts``), assigned to Eva Jansen, ``days_ahead`` days from today;
``applicant(n)`` is a distinct participant."""
