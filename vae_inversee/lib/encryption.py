"""Model fields encrypted at rest (the NIR, product.md section 15), on django-fernet-encrypted-fields.

The library's keys: one Fernet key derived (PBKDF2-SHA256) from each pair of SECRET_KEY (then each of
SECRET_KEY_FALLBACKS) and SALT_KEY (a list: each salt); the first pair, (SECRET_KEY, SALT_KEY[0]),
encrypts, every pair decrypts (MultiFernet). Rotation: docs/operations.md, "Chiffrement du NIR : clé et
rotation". What this field changes in the library's (0.4.0), each pinned by a test:

- a Fernet token that no configured key opens raises `UndecryptableValue`: the library would return the
  ciphertext as if it were the value (shown, exported, then encrypted a second time by the next save);
  a value that is not a Fernet token is plaintext written before the data migration, returned as it is;
- validation (`clean`) does not set the library's `_already_decrypted` flag on the field: that flag is
  shared by every thread and stayed set after a ValidationError (jazzband/django-fernet-encrypted-fields
  PR #47, not released), after which every read returned ciphertext;
- the empty value is stored as "" (the library stores NULL, refused by a NOT NULL column);
- the derived keys follow a change of the settings (override_settings in tests).
"""

import base64
import binascii
import weakref

from cryptography.fernet import Fernet, InvalidToken
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver
from encrypted_fields import fields

KEY_SETTINGS = frozenset({"SECRET_KEY", "SECRET_KEY_FALLBACKS", "SALT_KEY"})
# version byte + timestamp + IV + one AES block + HMAC: the shortest Fernet token.
_SHORTEST_TOKEN = 1 + 8 + 16 + 16 + 32
# Every field made (models and migration states), by id: their cached keys are dropped on a settings change.
_FIELDS = weakref.WeakValueDictionary()


class UndecryptableValue(ImproperlyConfigured):
    """A stored token none of the configured keys opens: a key is missing from the settings."""


def looks_encrypted(value) -> bool:
    """A Fernet token (URL-safe base64, version byte 0x80), whichever key made it; a NIR never is."""
    if not isinstance(value, str) or len(value) < 80:
        return False
    try:
        data = base64.urlsafe_b64decode(value.encode("ascii"))
    except (binascii.Error, ValueError, UnicodeEncodeError):
        return False
    return len(data) >= _SHORTEST_TOKEN and data[0] == 0x80


class EncryptedCharField(fields.EncryptedCharField):
    """A CharField stored as a Fernet token (a text column); validators see the plaintext."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _FIELDS[id(self)] = self

    def get_prep_value(self, value):
        if value == "":
            return ""
        return super().get_prep_value(value)

    def to_python(self, value):
        if looks_encrypted(value):
            try:
                value = self.f.decrypt(value.encode("utf-8")).decode("utf-8")
            except InvalidToken:
                label = f"{self.model.__name__}.{self.name}" if hasattr(self, "model") else self.name
                raise UndecryptableValue(
                    f"{label} : une valeur chiffrée ne s'ouvre avec aucune des clés "
                    "configurées (SECRET_KEY, SECRET_KEY_FALLBACKS, SALT_KEY). Remettez l'ancienne clé dans les "
                    "réglages (docs/operations.md, « Chiffrement du NIR : clé et rotation »)."
                )
        # CharField's own conversion, past the library's (which swallows a failed decryption).
        return super(fields.EncryptedFieldMixin, self).to_python(value)

    def clean(self, value, model_instance):
        # Field.clean on the plaintext held by the instance, without the library's shared flag.
        value = super(fields.EncryptedFieldMixin, self).to_python(value)
        self.validate(value, model_instance)
        self.run_validators(value)
        return value

    def key_status(self, stored) -> str:
        """What a stored value is: "empty", "plaintext" (not yet encrypted), "current" (the first key's),
        "previous" (another configured key's: to re-encrypt) or "unreadable" (no configured key)."""
        if not stored:
            return "empty"
        if not looks_encrypted(stored):
            return "plaintext"
        token = stored.encode("utf-8")
        try:
            Fernet(self.keys[0]).decrypt(token)
            return "current"
        except InvalidToken:
            pass
        try:
            self.f.decrypt(token)
            return "previous"
        except InvalidToken:
            return "unreadable"


@receiver(setting_changed)
def forget_derived_keys(*, setting, **kwargs):
    """The library caches the derived keys on each field: derive them again after a change of the keys."""
    if setting in KEY_SETTINGS:
        for field in list(_FIELDS.values()):
            field.__dict__.pop("keys", None)
            field.__dict__.pop("f", None)
