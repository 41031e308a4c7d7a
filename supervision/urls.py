from django.urls import path

from supervision import views

app_name = "supervision"

urlpatterns = [
    path("", views.home, name="home"),
    path("summary/", views.summary, name="summary"),
    path("rounds/new/", views.round_create, name="round_create"),
    path("rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("rounds/<int:pk>/status/", views.round_status, name="round_status"),
    path("rounds/<int:pk>/summary.xlsx", views.round_export, name="round_export"),
    path("rounds/<int:pk>/sample/", views.round_sample, name="round_sample"),
    path("rounds/<int:pk>/groups/new/", views.group_create, name="group_create"),
    path("groups/<int:pk>/", views.group_detail, name="group_detail"),
    path("groups/<int:pk>/branches/add/", views.group_branch_add, name="group_branch_add"),
    path("groups/<int:pk>/branches/<int:branch_pk>/remove/", views.group_branch_remove, name="group_branch_remove"),
    path("groups/<int:pk>/visits/new/", views.visit_create, name="visit_create"),
    path("visits/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("rectifications/<int:pk>/", views.rectification_detail, name="rectification_detail"),
    path("rectifications/<int:pk>/transition/", views.rectification_transition, name="rectification_transition"),
    path("rectifications/<int:pk>/deadline/", views.rectification_deadline, name="rectification_deadline"),
    path("rectifications/<int:pk>/recheck/", views.rectification_recheck, name="rectification_recheck"),
    path("cases/", views.cases, name="cases"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("files/finding/<int:pk>/", views.finding_file, name="finding_file"),
    path("files/rectification/<int:pk>/", views.rectification_file, name="rectification_file"),
]
