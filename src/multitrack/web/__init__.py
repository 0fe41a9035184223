"""The local web app (``multitrack serve``): pick or upload a scenario, edit positions and red
lines in a form, re-run the analyses with progress and cancel, download the YAML and the report.

It only calls the public API (loader, analyses, report renderers); the analyses know nothing of it.
"""

from .app import create_app
from .settings import WebSettings

__all__ = ["WebSettings", "create_app"]
