from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def shared_cache(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """Sign-in limits and used authenticator codes must be shared by every web process."""
    if str(settings.CACHES["default"]["BACKEND"]).endswith("LocMemCache"):
        return [
            checks.Warning(
                "The cache is kept per process: the limits on wrong authenticator codes and "
                "the memory of used codes would not be shared between web processes.",
                hint="Set CACHE_URL to a Redis database shared by every web node.",
                id="accounts.W001",
            )
        ]
    return []
