from django.urls import path

from reviews import dashboard, reports

app_name = "reports"

urlpatterns = [
    path("", reports.report_centre, name="centre"),
    path("cycles/<int:cycle>/", reports.cycle_reports, name="cycle"),
    path("cycles/<int:cycle>/compile/", reports.compile_now, name="compile"),
    path("cycles/<int:cycle>/dashboard/", dashboard.dashboard, name="dashboard"),
    path("cycles/<int:cycle>/answers.<str:fmt>", dashboard.answers_export, name="answers"),
    path("jobs/<int:pk>/", reports.job_detail, name="job"),
    path("jobs/<int:pk>/retry/", reports.job_retry, name="job_retry"),
    path("files/<int:pk>/download/", reports.download, name="download"),
    path("downloads/", reports.download_log, name="downloads"),
]

# The public library (no sign-in), mounted at /library/ under its own namespace.
library_patterns = (
    [
        path("", reports.library, name="index"),
        path("<int:pk>/download/", reports.library_download, name="download"),
    ],
    "library",
)
