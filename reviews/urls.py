from django.urls import path

from reviews.views import (
    actions,
    comments,
    contributors,
    editing,
    evidence,
    history,
    pages,
    peers,
    queue,
    word,
)

app_name = "reviews"

urlpatterns = [
    path("", pages.review_list, name="list"),
    path("queue/", queue.review_queue, name="queue"),
    path("start/<int:cycle>/", pages.review_start, name="start"),
    path("team/", contributors.team, name="team"),
    path("team/invite/", contributors.team_invite, name="team_invite"),
    path("team/<int:pk>/edit/", contributors.team_edit, name="team_edit"),
    path("team/<int:pk>/remove/", contributors.team_remove, name="team_remove"),
    path("team/<int:pk>/reinvite/", contributors.team_reinvite, name="team_reinvite"),
    path("assessments/", peers.assessment_list, name="assessments"),
    path("assessments/<int:pk>/", peers.assessment_detail, name="assessment"),
    path(
        "assessments/<int:pk>/<str:action>/",
        peers.assessment_action,
        name="assessment_action",
    ),
    path("<int:pk>/", pages.review_detail, name="detail"),
    path("<int:pk>/peers/", peers.peer_assign, name="peer_assign"),
    path("<int:pk>/edit/", editing.review_edit, name="edit"),
    path("<int:pk>/changes/", pages.review_changes, name="changes"),
    path("<int:pk>/history/", history.review_history, name="history"),
    path("<int:pk>/comments/", comments.comment_add, name="comment_add"),
    path("<int:pk>/comments/<int:thread>/reply/", comments.comment_reply, name="comment_reply"),
    path("<int:pk>/comments/<int:thread>/status/", comments.comment_status, name="comment_status"),
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
    path("<int:pk>/review.docx", word.word_export, name="word_export"),
    path("<int:pk>/word/", word.word_import, name="word_import"),
    path("<int:pk>/word/<int:doc>/", word.word_preview, name="word_preview"),
    path("<int:pk>/word/<int:doc>/accept/", word.word_accept, name="word_accept"),
    path("<int:pk>/<str:action>/", actions.review_action, name="action"),
]
