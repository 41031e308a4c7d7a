from django.urls import path

from annual import views

app_name = "annual"

urlpatterns = [
    path("", views.home, name="home"),
    path("compile/", views.compile_view, name="compile"),
    path("jobs/<int:pk>/", views.job_status, name="job_status"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("<int:pk>/lock/", views.lock, name="lock"),
    path("<int:pk>/discard/", views.discard, name="discard"),
    path("<int:pk>/export.xlsx", views.export, name="export"),
    path("<int:pk>/branches/<int:branch_id>/", views.branch, name="branch"),
    path("rubric/", views.rubric, name="rubric"),
    path("rubric/<int:pk>/copy/", views.rubric_copy, name="rubric_copy"),
    path("rubric/<int:pk>/activate/", views.rubric_activate, name="rubric_activate"),
    path("manual/", views.manual, name="manual"),
    path("manual/<int:branch_id>/<int:item_id>/", views.manual_save, name="manual_save"),
    path("manual/<int:branch_id>/veto/", views.veto_save, name="veto_save"),
    path("kpis/<int:pk>/confirm/", views.kpi_confirm, name="kpi_confirm"),
]
