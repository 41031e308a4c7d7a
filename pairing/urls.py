from django.urls import path

from pairing import views

app_name = "pairing"

urlpatterns = [
    path("", views.home, name="home"),
    path("activities/", views.activity_list, name="activity_list"),
    path("activities/new/", views.activity_create, name="activity_create"),
    path("outbox/", views.outbox, name="outbox"),
    path("activities/<id:pk>/", views.activity_detail, name="activity_detail"),
    path("activities/<id:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("activities/<id:pk>/delete/", views.activity_delete, name="activity_delete"),
    path("activities/<id:pk>/evidence/", views.evidence_add, name="evidence_add"),
    path("evidence/<id:pk>/", views.evidence_file, name="evidence_file"),
    path("evidence/<id:pk>/thumbnail/", views.evidence_thumbnail, name="evidence_thumbnail"),
    path("evidence/<id:pk>/delete/", views.evidence_delete, name="evidence_delete"),
    path("members-away/", views.members_away_page, name="members_away"),
    path("pairs/", views.pair_list, name="pair_list"),
    path("pairs/<id:pk>/", views.pair_detail, name="pair_detail"),
    path("pairs/<id:pk>/projects/new/", views.project_create, name="project_create"),
    path("pairs/<id:pk>/problems/new/", views.problem_create, name="problem_create"),
    path("partnerships/<id:pk>/", views.partnership_detail, name="partnership_detail"),
    path("partnerships/<id:pk>/exchanges/new/", views.exchange_create, name="exchange_create"),
    path("plans/<str:kind>/<id:pk>/", views.plan_edit, name="plan_edit"),
    path("plans/<id:pk>/document/", views.plan_document, name="plan_document"),
    path("projects/<id:pk>/edit/", views.project_edit, name="project_edit"),
    path("projects/<id:pk>/tasks/new/", views.task_create, name="task_create"),
    path("tasks/<id:pk>/claim/", views.task_claim, name="task_claim"),
    path("tasks/<id:pk>/progress/", views.task_progress, name="task_progress"),
    path("tasks/<id:pk>/complete/", views.task_complete, name="task_complete"),
    path("problems/<id:pk>/edit/", views.problem_edit, name="problem_edit"),
    path("problems/<id:pk>/solve/", views.problem_solve, name="problem_solve"),
    path("meetings/<str:kind>/<id:pk>/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<id:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<id:pk>/delete/", views.meeting_delete, name="meeting_delete"),
    path("meetings/<id:pk>/file/", views.meeting_file, name="meeting_file"),
    path("exchanges/<id:pk>/edit/", views.exchange_edit, name="exchange_edit"),
    path("exchanges/<id:pk>/file/", views.exchange_file, name="exchange_file"),
]
