from django.urls import path

from dashboard import views

app_name = "dashboard"

# Mounted under /reports/ beside the reports' own pages (config/urls.py).
urlpatterns = [
    path("cycles/<int:cycle>/dashboard/", views.dashboard, name="cycle"),
    path("cycles/<int:cycle>/answers.<str:fmt>", views.answers_export, name="answers"),
]
