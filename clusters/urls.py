from django.urls import path

from .views import cluster as cluster_views

app_name = "clusters"

urlpatterns = [
    path("", cluster_views.cluster_list, name="list"),
    path("<slug:code>/", cluster_views.cluster_detail, name="detail"),
    path("<slug:code>/<int:year>/", cluster_views.cluster_year_detail, name="year"),
]
