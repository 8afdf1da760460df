import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vae_inversee.settings")

app = Celery("vae_inversee")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="vae_inversee.ping")
def ping():
    """Round trip used by the health check and the worker integration test."""
    return "pong"
