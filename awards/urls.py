from django.urls import path

from .views import history, nominations, queue

app_name = "awards"

urlpatterns = [
    path("", nominations.nomination_list, name="list"),
    path("new/", nominations.nomination_create, name="create"),
    path("<int:pk>/", nominations.nomination_detail, name="nomination"),
    path("<int:pk>/edit/", nominations.nomination_edit, name="edit"),
    path("<int:pk>/move/<slug:to_status>/", nominations.nomination_move, name="move"),
    path("<int:pk>/documents/", nominations.document_upload, name="document_upload"),
    path(
        "<int:pk>/documents/<int:document_id>/remove/",
        nominations.document_remove,
        name="document_remove",
    ),
    path("<int:pk>/notes/", nominations.note_add, name="note_add"),
    path("<int:pk>/overrides/", nominations.override_add, name="override_add"),
    path("<int:pk>/assign/", nominations.assign, name="assign"),
    path("documents/<int:pk>/", nominations.document_download, name="document_download"),
    path("queue/", queue.queue, name="queue"),
    path("queue/export/", queue.queue_export, name="queue_export"),
    path("queue/assign/", queue.queue_assign, name="queue_assign"),
    path("provinces/<int:pk>/history/", history.province_history, name="province_history"),
]
