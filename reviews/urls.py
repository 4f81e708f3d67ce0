from django.urls import path

from reviews import evidence, history, views

app_name = "reviews"

urlpatterns = [
    path("", views.review_list, name="list"),
    path("queue/", views.review_queue, name="queue"),
    path("start/<int:cycle>/", views.review_start, name="start"),
    path("<int:pk>/", views.review_detail, name="detail"),
    path("<int:pk>/edit/", views.review_edit, name="edit"),
    path("<int:pk>/changes/", views.review_changes, name="changes"),
    path("<int:pk>/history/", history.review_history, name="history"),
    path("<int:pk>/comments/", views.comment_add, name="comment_add"),
    path("<int:pk>/comments/<int:thread>/reply/", views.comment_reply, name="comment_reply"),
    path("<int:pk>/comments/<int:thread>/status/", views.comment_status, name="comment_status"),
    path("<int:pk>/attachments/", evidence.attachment_add, name="attachment_add"),
    path("<int:pk>/attachments/<int:att>/", evidence.attachment_download, name="attachment"),
    path(
        "<int:pk>/attachments/<int:att>/delete/",
        evidence.attachment_delete,
        name="attachment_delete",
    ),
    path("<int:pk>/practices/add/", evidence.practice_add, name="practice_add"),
    path("<int:pk>/practices/<int:practice>/edit/", evidence.practice_edit, name="practice_edit"),
    path(
        "<int:pk>/practices/<int:practice>/delete/",
        evidence.practice_delete,
        name="practice_delete",
    ),
    path("<int:pk>/<str:action>/", views.review_action, name="action"),
]
