from django.urls import path

from supervision import views

app_name = "supervision"

urlpatterns = [
    path("", views.home, name="home"),
    path("summary/", views.summary, name="summary"),
    path("rounds/new/", views.round_create, name="round_create"),
    path("rounds/<id:pk>/", views.round_detail, name="round_detail"),
    path("rounds/<id:pk>/status/", views.round_status, name="round_status"),
    path("rounds/<id:pk>/summary.xlsx", views.round_export, name="round_export"),
    path("rounds/<id:pk>/sample/", views.round_sample, name="round_sample"),
    path("rounds/<id:pk>/groups/new/", views.group_create, name="group_create"),
    path("groups/<id:pk>/", views.group_detail, name="group_detail"),
    path("groups/<id:pk>/branches/add/", views.group_branch_add, name="group_branch_add"),
    path("groups/<id:pk>/branches/<id:branch_pk>/remove/", views.group_branch_remove, name="group_branch_remove"),
    path("groups/<id:pk>/visits/new/", views.visit_create, name="visit_create"),
    path("visits/<id:pk>/", views.visit_detail, name="visit_detail"),
    path("rectifications/<id:pk>/", views.rectification_detail, name="rectification_detail"),
    path("rectifications/<id:pk>/transition/", views.rectification_transition, name="rectification_transition"),
    path("rectifications/<id:pk>/deadline/", views.rectification_deadline, name="rectification_deadline"),
    path("rectifications/<id:pk>/recheck/", views.rectification_recheck, name="rectification_recheck"),
    path("cases/", views.cases, name="cases"),
    path("cases/<id:pk>/", views.case_detail, name="case_detail"),
    path("files/finding/<id:pk>/", views.finding_file, name="finding_file"),
    path("files/rectification/<id:pk>/", views.rectification_file, name="rectification_file"),
]
