"""Signals of the lowest layer, sent by any app and heard by those above it."""

from django.dispatch import Signal

# A write that Django's model signals do not see (`bulk_update()`, `update()` of many rows): sent with the
# model as `sender`, so that what is kept per data version (evaluation.indicator_version) is renewed.
bulk_written = Signal()
