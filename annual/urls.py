from django.urls import path

from annual import rubric_views, views

app_name = "annual"

urlpatterns = [
    path("", views.home, name="home"),
    path("compile/", views.compile_view, name="compile"),
    path("jobs/<id:pk>/", views.job_status, name="job_status"),
    path("<id:pk>/publish/", views.publish, name="publish"),
    path("<id:pk>/lock/", views.lock, name="lock"),
    path("<id:pk>/discard/", views.discard, name="discard"),
    path("<id:pk>/export.xlsx", views.export, name="export"),
    path("<id:pk>/branches/<id:branch_id>/", views.branch, name="branch"),
    path("rubric/", views.rubric, name="rubric"),
    path("rubric/<id:pk>/copy/", views.rubric_copy, name="rubric_copy"),
    path("rubric/<id:pk>/activate/", views.rubric_activate, name="rubric_activate"),
    path("rubric/<id:pk>/settings/", rubric_views.rubric_settings, name="rubric_settings"),
    path("rubric/<id:pk>/items/new/", rubric_views.item_edit, name="rubric_item_create"),
    path("rubric/<id:pk>/items/<id:part_id>/", rubric_views.item_edit, name="rubric_item_edit"),
    path("rubric/<id:pk>/items/<id:part_id>/delete/", rubric_views.item_delete, name="rubric_item_delete"),
    path("rubric/<id:pk>/joint/new/", rubric_views.joint_edit, name="rubric_joint_create"),
    path("rubric/<id:pk>/joint/<id:part_id>/", rubric_views.joint_edit, name="rubric_joint_edit"),
    path("rubric/<id:pk>/joint/<id:part_id>/delete/", rubric_views.joint_delete, name="rubric_joint_delete"),
    path("rubric/<id:pk>/grades/new/", rubric_views.grade_edit, name="rubric_grade_create"),
    path("rubric/<id:pk>/grades/<id:part_id>/", rubric_views.grade_edit, name="rubric_grade_edit"),
    path("rubric/<id:pk>/grades/<id:part_id>/delete/", rubric_views.grade_delete, name="rubric_grade_delete"),
    path("manual/", views.manual, name="manual"),
    path("manual/<id:branch_id>/<id:item_id>/", views.manual_save, name="manual_save"),
    path("manual/<id:branch_id>/veto/", views.veto_save, name="veto_save"),
    path("kpis/<id:pk>/confirm/", views.kpi_confirm, name="kpi_confirm"),
]
