"""gunicorn entry point: ``gunicorn -c gunicorn.conf.py wsgi:app``."""
from budget_api import create_app

app = create_app()
