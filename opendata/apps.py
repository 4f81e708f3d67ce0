from django.apps import AppConfig


class OpendataConfig(AppConfig):
    name = "opendata"
    verbose_name = "Open data"

    def ready(self) -> None:
        from opendata import receivers  # noqa: F401  (keeps the public cache current)
