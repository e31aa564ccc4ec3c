import os

from django.core.wsgi import get_wsgi_application

from . import collector

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xephang.web.settings")
application = get_wsgi_application()
collector.tune()  # after the application is loaded: what is loaded by now is never collected
