"""Production entry point: `gunicorn wsgi:app`."""
from ontwikkelbijeenkomsten import create_app

app = create_app()
