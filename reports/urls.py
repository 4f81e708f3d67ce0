from django.urls import path

from reports import preview, views

app_name = "reports"

urlpatterns = [
    path("", views.report_centre, name="centre"),
    path("cycles/<int:cycle>/", views.cycle_reports, name="cycle"),
    path("cycles/<int:cycle>/compile/", views.compile_now, name="compile"),
    path("jobs/<int:pk>/", views.job_detail, name="job"),
    path("jobs/<int:pk>/retry/", views.job_retry, name="job_retry"),
    path("files/<int:pk>/download/", views.download, name="download"),
    path("downloads/", views.download_log, name="downloads"),
    path("reviews/<int:pk>/preview.pdf", preview.review_preview, name="review_preview"),
]

# The public library (no sign-in), mounted at /library/ under its own namespace.
library_patterns = (
    [
        path("", views.library, name="index"),
        path("<int:pk>/download/", views.library_download, name="download"),
    ],
    "library",
)
