import os

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path

from config import history_views, media_views, profile_views, pwa_views, views

handler400 = "config.views.bad_request"

urlpatterns = [
    path("", views.home, name="home"),
    path("sw.js", pwa_views.service_worker, name="service_worker"),
    path("manifest.webmanifest", pwa_views.manifest, name="manifest"),
    path("offline/", pwa_views.offline, name="offline"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/profile/", profile_views.profile, name="profile"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("work/", include("pairing.urls")),
    path("org/history/<str:app_label>/<str:model_name>/<str:pk>/", history_views.record_history, name="record_history"),
    path("org/", include("branches.urls")),
    path("cup/", include("scoring.urls")),
    path("annual/", include("annual.urls")),
    path("reports/", include("reports.urls")),
    path("supervision/", include("supervision.urls")),
    path("api/", include("config.api_urls")),
    path("healthz", views.healthz, name="healthz"),
]

# Uploaded files are served only after checking the reader's scope (never by path alone).
urlpatterns += [re_path(r"^media/(?P<path>.*)$", media_views.scoped_media, {"document_root": settings.MEDIA_ROOT})]

if os.environ.get("BENCH_FLOOR_VIEW") == "1":
    # The benchmark's floor: a constant view under the same server and middleware (bench/floor_views.py).
    urlpatterns += [path("bench/", include("bench.floor_views"))]

