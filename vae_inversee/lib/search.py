"""Search without regard to accents or case, one lookup for every list (product.md section 13, « Lists »).

`field__folded="evaluatrice"` matches « Évaluatrice », « ÉVALUATRICE », « évaluatrice » anywhere in the value:

- on PostgreSQL, `lower(vae_unaccent(field)) LIKE lower(vae_unaccent(%text%))`, where `vae_unaccent` is an
  IMMUTABLE wrapper of the `unaccent` extension (migration `pathways.0014_accent_insensitive_search`), so that
  the trigram GIN indexes on the same expression serve the search;
- on SQLite (`make run`, the tests), a `vae_fold` function registered on each connection, which strips the
  accents with `unicodedata` and case-folds.

`folded_search(fields, text)` is the Q of a list's search box: every word must be found in one of the fields.

`column__holds="evaluatrice"` is the same test on a column that already holds folded text (the pathway's
`search_text`, kept by the database's triggers, migration `pathways.0019_pathway_search_text`): only the typed
text is folded, so the trigram index on the plain column serves it and no row is folded when it is read.
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


def fold_sql(vendor, expression) -> str:
    """The SQL that folds `expression` on this database: the same fold as the indexes and the triggers."""
    if vendor == "postgresql":
        return f"lower(vae_unaccent(({expression})::text))"
    return f"vae_fold({expression})"


class Folded(Lookup):
    lookup_name = "folded"
    fold_lhs = True

    def get_db_prep_lookup(self, value, connection):
        # The typed text is a substring, never a pattern: % and _ are matched literally.
        escaped = str(value).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return "%s", [escaped]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        if self.fold_lhs:
            lhs = fold_sql(connection.vendor, lhs)
        sql = f"{lhs} LIKE '%%' || {fold_sql(connection.vendor, rhs)} || '%%'"
        if connection.vendor != "postgresql":
            sql += " ESCAPE '\\'"
        return sql, [*lhs_params, *rhs_params]


class Holds(Folded):
    """The typed text, folded, anywhere in a column that is already folded."""

    lookup_name = "holds"
    fold_lhs = False


def folded_search(fields, text, lookup="folded") -> Q:
    """Every word of `text` found in at least one of `fields` (accents and case ignored); Q() when empty.
    `lookup="holds"` for fields that already hold folded text."""
    query = Q()
    for word in (text or "").split():
        any_field = Q()
        for name in fields:
            any_field |= Q(**{f"{name}__{lookup}": word})
        query &= any_field
    return query


def _register_sqlite_function(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_function("vae_fold", 1, fold, deterministic=True)


def install() -> None:
    """Register the lookup and the SQLite function (called once, from AccountsConfig.ready())."""
    CharField.register_lookup(Folded)
    TextField.register_lookup(Folded)
    TextField.register_lookup(Holds)
    connection_created.connect(_register_sqlite_function, dispatch_uid="lib.search.sqlite_fold")
