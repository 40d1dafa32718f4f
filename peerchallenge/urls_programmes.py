"""Programme pages under /peer-challenge/: the list, a programme and its pairings, and
declared conflicts of interest."""

from django.urls import path

from . import views_programmes as v

urlpatterns = [
    path("", v.programme_list, name="programme_list"),
    path("new/", v.programme_create, name="programme_create"),
    path("conflicts/", v.conflict_list, name="conflict_list"),
    path("conflicts/new/", v.conflict_declare, name="conflict_declare"),
    path("<int:pk>/", v.programme_detail, name="programme_detail"),
    path("<int:pk>/generate/", v.programme_generate, name="programme_generate"),
    path("<int:pk>/publish/", v.programme_publish, name="programme_publish"),
    path("<int:pk>/councils/add/", v.participant_add, name="programme_participant_add"),
    path(
        "<int:pk>/councils/<int:council_pk>/remove/",
        v.participant_remove,
        name="programme_participant_remove",
    ),
    path("<int:pk>/apart/add/", v.exclusion_add, name="programme_exclusion_add"),
    path(
        "<int:pk>/apart/<int:exclusion_pk>/delete/",
        v.exclusion_delete,
        name="programme_exclusion_delete",
    ),
    path("<int:pk>/pairings/<int:challenge_pk>/", v.pairing_edit, name="programme_pairing_edit"),
    path(
        "<int:pk>/pairings/<int:challenge_pk>/lock/",
        v.pairing_lock,
        name="programme_pairing_lock",
    ),
]
