from django.urls import path

from scoring import group_views, views

app_name = "scoring"

urlpatterns = [
    path("", views.rankings, name="rankings"),
    path("compile/", views.compile_view, name="compile"),
    path("jobs/<id:pk>/", views.job_status, name="job_status"),
    path("jobs/<id:pk>/restart/", views.job_restart, name="job_restart"),
    path("snapshots/<id:pk>/publish/", views.publish, name="publish"),
    path("snapshots/<id:pk>/discard/", views.discard, name="discard"),
    path("snapshots/<id:pk>/changes/", views.version_changes, name="version_changes"),
    path("snapshots/<id:pk>/export.<str:fmt>", views.export, name="export"),
    path("snapshots/<id:pk>/branches/<id:branch_id>/", views.branch_score, name="branch_score"),
    path("manual/", views.manual_grid, name="manual_grid"),
    path("manual/<id:branch_id>/<id:item_id>/", views.manual_save, name="manual_save"),
    path("manual/<id:branch_id>/veto/", views.veto_save, name="veto_save"),
    path("groups/", group_views.group_list, name="group_list"),
    path("groups/sets/", group_views.group_set_create, name="group_set_create"),
    path("groups/new/", group_views.group_edit, name="group_create"),
    path("groups/<id:pk>/", group_views.group_edit, name="group_edit"),
    path("groups/<id:pk>/delete/", group_views.group_delete, name="group_delete"),
    path("rubrics/", views.rubric_list, name="rubric_list"),
    path("rubrics/<id:pk>/", views.rubric_detail, name="rubric_detail"),
    path("rubrics/<id:pk>/items/new/", views.rubric_item_edit, name="rubric_item_create"),
    path("rubrics/<id:pk>/items/<id:item_id>/", views.rubric_item_edit, name="rubric_item_edit"),
    path("rubrics/<id:pk>/copy/", views.rubric_copy, name="rubric_copy"),
    path("rubrics/<id:pk>/activate/", views.rubric_activate, name="rubric_activate"),
]
