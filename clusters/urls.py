from django.urls import path

from clusters import views

app_name = "clusters"

urlpatterns = [
    path("cluster-years/<int:pk>/", views.cluster_year_detail, name="cluster_year"),
]
