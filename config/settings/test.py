from .base import *  # noqa: F401,F403
from .base import BASE_DIR

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = BASE_DIR / ".test-media"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
AXES_ENABLED = True
LANGUAGE_CODE = "zh-hans"

# Tests queue tasks in-process; the tests that exercise a real worker on Redis switch this off.
CELERY_TASK_ALWAYS_EAGER = True
