import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# What start-up built (modules, URL patterns, settings, the app registry) lives as long as
# the process: moved out of the collector's generations, a full collection during a request
# no longer walks it again (Python's gc.freeze, documented for long-running servers).
gc.freeze()
