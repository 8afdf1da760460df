import unicodedata
import zipfile

import pytest

from certifications.importer import SAMPLE_EXPORT
from vae_inversee.accounts.models import User


@pytest.fixture
def user(db):
    return User.objects.create_user(email="lectrice@exemple.fr", password="mot-de-passe-solide-2026")


def _readable(name: str) -> str:
    # The sample's names are UTF-8 read as cp437 (no UTF-8 flag): rewrite them readable.
    return unicodedata.normalize("NFC", name.encode("cp437").decode("utf-8"))


@pytest.fixture
def build_export(tmp_path):
    """A copy of the sample export: `edit` maps an ASCII member prefix to a function of the member's
    text (None drops the member); `names` maps a readable member name to the name to store."""

    def build(edit=None, *, names=None, bom=False, filename="export-fiches-csv-2024-02-22.zip"):
        edit, names = edit or {}, names or {}
        path = tmp_path / filename
        with zipfile.ZipFile(SAMPLE_EXPORT) as sample, zipfile.ZipFile(path, "w") as archive:
            for info in sample.infolist():
                name = _readable(info.filename)
                text = sample.read(info).decode("utf-8")
                prefix = next((prefix for prefix in edit if name.startswith(prefix)), None)
                if prefix is not None:
                    if edit[prefix] is None:
                        continue
                    text = edit[prefix](text)
                archive.writestr(names.get(name, name), ("\ufeff" if bom else "") + text)
        return path

    return build
