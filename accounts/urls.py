from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("invitations/", views.invitation_list, name="invitation_list"),
    path("invitations/new/", views.invitation_create, name="invitation_create"),
    path("invitations/<int:pk>/withdraw/", views.invitation_revoke, name="invitation_revoke"),
    path("invitation/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("api-token/", views.api_token, name="api_token"),
    path("api-token/new/", views.api_token_create, name="api_token_create"),
    path("api-token/delete/", views.api_token_delete, name="api_token_delete"),
]
