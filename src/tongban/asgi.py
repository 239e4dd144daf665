"""ASGI entry point, for server-sent events in later features."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongban.settings")
application = get_asgi_application()
