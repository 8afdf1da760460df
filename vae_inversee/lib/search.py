"""Search without regard to accents or case, one lookup for every list (product.md section 13, « Lists »).

`field__folded="evaluatrice"` matches « Évaluatrice », « ÉVALUATRICE », « évaluatrice » anywhere in the value:

- on PostgreSQL, `lower(vae_unaccent(field)) LIKE lower(vae_unaccent(%text%))`, where `vae_unaccent` is an
  IMMUTABLE wrapper of the `unaccent` extension (migration `pathways.0014_accent_insensitive_search`), so that
  the trigram GIN indexes on the same expression serve the search;
- on SQLite (`make run`, the tests), a `vae_fold` function registered on each connection, which strips the
  accents with `unicodedata` and case-folds.

`folded_search(fields, text)` is the Q of a list's search box: every word must be found in one of the fields.
"""

import unicodedata

from django.db.backends.signals import connection_created
from django.db.models import CharField, Lookup, Q, TextField


def fold(value) -> str | None:
    """The text without accents, lower case: « Évaluatrice » → « evaluatrice » (the SQLite function)."""
    if value is None:
        return None
    decomposed = unicodedata.normalize("NFKD", str(value))
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


class Folded(Lookup):
    lookup_name = "folded"

    def get_db_prep_lookup(self, value, connection):
        # The typed text is a substring, never a pattern: % and _ are matched literally.
        escaped = str(value).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return "%s", [escaped]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        if connection.vendor == "postgresql":
            sql = f"lower(vae_unaccent({lhs}::text)) LIKE '%%' || lower(vae_unaccent({rhs})) || '%%'"
        else:
            sql = f"vae_fold({lhs}) LIKE '%%' || vae_fold({rhs}) || '%%' ESCAPE '\\'"
        return sql, [*lhs_params, *rhs_params]


def folded_search(fields, text) -> Q:
    """Every word of `text` found in at least one of `fields` (accents and case ignored); Q() when empty."""
    query = Q()
    for word in (text or "").split():
        any_field = Q()
        for name in fields:
            any_field |= Q(**{f"{name}__folded": word})
        query &= any_field
    return query


def _register_sqlite_function(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_function("vae_fold", 1, fold, deterministic=True)


def install() -> None:
    """Register the lookup and the SQLite function (called once, from AccountsConfig.ready())."""
    CharField.register_lookup(Folded)
    TextField.register_lookup(Folded)
    connection_created.connect(_register_sqlite_function, dispatch_uid="lib.search.sqlite_fold")
