from django.urls import path

from meetings import views

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("add/", views.meeting_add, name="add"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/edit/", views.meeting_edit, name="edit"),
    path("<int:pk>/pack/", views.meeting_pack, name="pack"),
    path("<int:pk>/pack/pdf/", views.pack_pdf, name="pack_pdf"),
    path("<int:pk>/pack/pdf/<int:report>/", views.pack_download, name="pack_download"),
    path("<int:pk>/delegation/", views.delegation, name="delegation"),
    path("<int:pk>/invitees/add/", views.invitee_add, name="invitee_add"),
    path("<int:pk>/invitees/<int:invitee>/delete/", views.invitee_delete, name="invitee_delete"),
    path("<int:pk>/documents/add/", views.document_add, name="document_add"),
    path("<int:pk>/documents/<int:document>/", views.document_download, name="document"),
    path(
        "<int:pk>/documents/<int:document>/delete/", views.document_delete, name="document_delete"
    ),
]
