import pytest
from axes.handlers.proxy import AxesProxyHandler
from django.core.cache import cache

PASSWORD = "mot-de-passe-solide-2026"  # tests.accounts.factories.UserFactory's


@pytest.fixture(autouse=True)
def fresh_login_counters(request):
    """Every test starts with no throttle history (locmem cache) and no axes attempt (database)."""
    cache.clear()
    if "db" in request.fixturenames or request.node.get_closest_marker("django_db"):
        request.getfixturevalue("db")
        AxesProxyHandler.reset_attempts()
    yield
    cache.clear()


@pytest.fixture
def behind_proxies(settings):
    """Reconfigure the client address as settings.py derives it from NUM_PROXIES (DRF and django-axes)."""

    def configure(count: int):
        settings.NUM_PROXIES = count
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": count}
        settings.AXES_IPWARE_META_PRECEDENCE_ORDER = (
            ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if count else ("REMOTE_ADDR",)
        )
        settings.AXES_IPWARE_PROXY_COUNT = count - 1 if count else None

    return configure
