"""`checked_save`: the services' one way to validate and write a model instance.

It validates as `full_clean()` does, for less: only the fields the write changes (an unchanged foreign
key costs no existence query), and the table's CHECK and unique constraints are left to the database
(one savepoint, where `full_clean()` pays a savepoint and a query per constraint). When the database
refuses the row, the constraints are checked then, and their French messages raised as `full_clean()`
would have raised them: bad input still gets a field map, never an IntegrityError.
"""

from django.db import IntegrityError, router, transaction


def checked_save(instance, *, fields=None, exclude=(), validate_unique=True):
    """Validate then save `instance`; `fields`: what this write changes (saved with `update_fields`).

    `exclude`: fields never validated here (a file checked by its own service, a key set by the
    service itself). Raises ValidationError, with French messages, whatever refuses the row.
    """
    skipped = set(exclude)
    if fields is not None:
        skipped |= {field.name for field in instance._meta.concrete_fields if field.name not in fields}
    instance.full_clean(exclude=sorted(skipped), validate_unique=validate_unique, validate_constraints=False)
    try:
        with transaction.atomic(using=router.db_for_write(type(instance), instance=instance)):
            instance.save(update_fields=fields)
    except IntegrityError:
        # Every constraint, the unchanged fields' included: a CHECK may compare a changed field to another.
        instance.validate_constraints(exclude=sorted(exclude))
        raise
    return instance
