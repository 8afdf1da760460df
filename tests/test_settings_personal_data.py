"""The NIR's encryption key in production settings: no start without a real SALT_KEY (docs/operations.md)."""

import pytest

from tests.test_settings import run_manage

PRODUCTION = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "k7Jq2vXo9LmB4nRt8ZyWc1HdFs6GpUe3AiKo0VbNxQz5Mw-rT4pLs8Yd2",
    "ALLOWED_HOSTS": "vae-inversee.example.fr",
}
REFUSAL = "DJANGO_ENV=production exige la variable SALT_KEY"


@pytest.mark.parametrize(
    "salt_key",
    ["", "dev-only-nir-salt-do-not-use-in-production", "trop-court", "Zr8uQm3Xc1VbN6tLp0JsWk4HdYe7GfAo,court"],
    ids=["missing", "development-salt", "too-short", "one-too-short"],
)
def test_production_refuses_to_start_without_a_real_salt_key(salt_key):
    result = run_manage("check", **PRODUCTION, SALT_KEY=salt_key)
    assert result.returncode != 0
    assert REFUSAL in result.stderr


def test_production_starts_with_a_list_of_salts_the_first_encrypting():
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; print(s.SALT_KEY, s.SECRET_KEY_FALLBACKS)",
        **PRODUCTION,
        SALT_KEY="Zr8uQm3Xc1VbN6tLp0JsWk4HdYe7GfAo,Ab8uQm3Xc1VbN6tLp0JsWk4HdYe7GfXy",
        SECRET_KEY_FALLBACKS="ancienne-cle-secrete",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == (
        "['Zr8uQm3Xc1VbN6tLp0JsWk4HdYe7GfAo', 'Ab8uQm3Xc1VbN6tLp0JsWk4HdYe7GfXy'] ['ancienne-cle-secrete']"
    )
