from django.urls import path

from scoring import views

app_name = "scoring"

urlpatterns = [
    path("", views.rankings, name="rankings"),
    path("compile/", views.compile_view, name="compile"),
    path("jobs/<int:pk>/", views.job_status, name="job_status"),
    path("snapshots/<int:pk>/publish/", views.publish, name="publish"),
    path("snapshots/<int:pk>/discard/", views.discard, name="discard"),
    path("snapshots/<int:pk>/export.<str:fmt>", views.export, name="export"),
    path("snapshots/<int:pk>/branches/<int:branch_id>/", views.branch_score, name="branch_score"),
    path("manual/", views.manual_grid, name="manual_grid"),
    path("manual/<int:branch_id>/<int:item_id>/", views.manual_save, name="manual_save"),
    path("manual/<int:branch_id>/veto/", views.veto_save, name="veto_save"),
    path("rubrics/", views.rubric_list, name="rubric_list"),
    path("rubrics/<int:pk>/", views.rubric_detail, name="rubric_detail"),
    path("rubrics/<int:pk>/items/new/", views.rubric_item_edit, name="rubric_item_create"),
    path("rubrics/<int:pk>/items/<int:item_id>/", views.rubric_item_edit, name="rubric_item_edit"),
    path("rubrics/<int:pk>/copy/", views.rubric_copy, name="rubric_copy"),
    path("rubrics/<int:pk>/activate/", views.rubric_activate, name="rubric_activate"),
]
