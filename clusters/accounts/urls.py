from django.urls import path

from clusters.accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.account_list, name="list"),
    path("<int:pk>/", views.account_detail, name="detail"),
    path("<int:pk>/account/", views.account_create, name="create"),
    path("<int:pk>/account/email/", views.account_email, name="email"),
    path("<int:pk>/account/invite/", views.account_invite, name="invite"),
    path("<int:pk>/account/deactivate/", views.account_deactivate, name="deactivate"),
    path("<int:pk>/account/reactivate/", views.account_reactivate, name="reactivate"),
]
