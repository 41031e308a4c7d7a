from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.home, name="home"),
    path("request/", views.request_view, name="request"),
    path("<id:pk>/download.<str:fmt>", views.download, name="download"),
]
