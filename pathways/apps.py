from django.apps import AppConfig


class PathwaysConfig(AppConfig):
    name = "pathways"
    verbose_name = "Parcours"

    def ready(self):
        # The actions of pathways.policy are declared when the module is first imported.
        from pathways import policy  # noqa: F401
