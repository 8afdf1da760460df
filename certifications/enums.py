from django.db import models


class Register(models.TextChoices):
    RNCP = "RNCP", "Répertoire national des certifications professionnelles (RNCP)"
    RS = "RS", "Répertoire spécifique (RS)"


class Level(models.IntegerChoices):
    """Levels of the national qualifications framework (décret 2019-14)."""

    LEVEL_3 = 3, "Niveau 3 (CAP, BEP)"
    LEVEL_4 = 4, "Niveau 4 (baccalauréat)"
    LEVEL_5 = 5, "Niveau 5 (bac + 2)"
    LEVEL_6 = 6, "Niveau 6 (bac + 3, licence)"
    LEVEL_7 = 7, "Niveau 7 (bac + 5, master)"
    LEVEL_8 = 8, "Niveau 8 (doctorat)"


# The access route that makes a certification reachable through VAE, hence a VAE inversée target.
VAE_ACCESS_ROUTE = "Par expérience"
