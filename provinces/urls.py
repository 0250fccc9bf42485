from django.urls import path

from . import views

app_name = "provinces"

urlpatterns = [
    path("", views.province_list, name="list"),
    path("<int:pk>/", views.province_detail, name="detail"),
]
