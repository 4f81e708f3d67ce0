from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.generic import RedirectView

from accounts import views as account_views
from config import views
from dashboard import views as dashboard_views
from opendata import api as opendata_api
from reports import urls as report_urls

# The admin signs in through allauth too (two-factor, lock-out).
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

# Browsers and feed readers that ask for /favicon.ico get the SVG icon that base.html names.
# A permanent redirect to the file's plain static URL, which (unlike its hashed name) does not
# change from one release to the next.
favicon = login_not_required(
    RedirectView.as_view(
        url=f"{settings.STATIC_URL}img/favicon.svg",
        permanent=True,
        http_method_names=["get", "head"],
    )
)

urlpatterns = [
    path("", dashboard_views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
    path("i18n/setlang/", account_views.set_language, name="set_language"),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("countries/", include("countries.urls")),
    path("cycles/", include("indicators.urls")),
    path("reviews/", include("reviews.urls")),
    path("reports/", include("reports.urls")),
    path("reports/", include("dashboard.urls")),
    path("meetings/", include("meetings.urls")),
    path("library/", include(report_urls.library_patterns)),
    path("data/", include("opendata.urls")),
    path("api/v1/", opendata_api.urls()),
    path("admin/", admin.site.urls),
]
