"""Uploads and PDFs on S3-compatible object storage when configured, the local disk otherwise (issue 16)."""

import json

from tests.test_settings import run_manage

PRINT_STORAGE = (
    "import json; from django.core.files.storage import storages; s = storages['default']; "
    "print(json.dumps({'class': type(s).__module__ + '.' + type(s).__name__, "
    "'bucket': getattr(s, 'bucket_name', None), 'endpoint': getattr(s, 'endpoint_url', None), "
    "'location': getattr(s, 'location', None), 'overwrite': getattr(s, 'file_overwrite', None), "
    "'acl': getattr(s, 'default_acl', 'n/a'), 'access_key': getattr(s, 'access_key', None)}))"
)


def storage_with(**env):
    result = run_manage("shell", "--no-imports", "-c", PRINT_STORAGE, DATABASE_URL="", **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_embedded_default_stores_files_on_the_local_disk():
    assert storage_with(AWS_STORAGE_BUCKET_NAME="")["class"] == "django.core.files.storage.filesystem.FileSystemStorage"


def test_a_bucket_switches_uploads_and_pdfs_to_s3_compatible_object_storage():
    storage = storage_with(
        AWS_STORAGE_BUCKET_NAME="vae-documents",
        AWS_S3_ENDPOINT_URL="https://s3.gra.example.net",
        AWS_ACCESS_KEY_ID="cle-d-acces",
        AWS_SECRET_ACCESS_KEY="secret",
        AWS_LOCATION="production",
    )
    assert storage == {
        "class": "storages.backends.s3.S3Storage",
        "bucket": "vae-documents",
        "endpoint": "https://s3.gra.example.net",
        "location": "production",
        # A second upload under the same name never replaces the first; objects stay private.
        "overwrite": False,
        "acl": None,
        "access_key": "cle-d-acces",
    }


def test_production_with_object_storage_passes_check_deploy():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING",
        DJANGO_ENV="production",
        SECRET_KEY="k7Jq2vXo9LmB4nRt8ZyWc1HdFs6GpUe3AiKo0VbNxQz5Mw-rT4pLs8Yd2",
        ALLOWED_HOSTS="vae-inversee.example.fr",
        SALT_KEY="Zr8uQm3Xc1VbN6tLp0JsWk4HdYe7GfAo",
        AWS_STORAGE_BUCKET_NAME="vae-documents",
        AWS_S3_ENDPOINT_URL="https://s3.gra.example.net",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
