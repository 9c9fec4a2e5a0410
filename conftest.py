"""pytest configuration shared by the unit tests and nbval.

nbval compares every stored notebook output with a fresh run. HTML and SVG
renderings (Netron frames, styled tables, drawings) embed ids and
coordinates that change from run to run, and a notebook's text/plain output
already carries the same content, so those MIME types are not compared.
PNG images are not compared by nbval in the first place.
"""

VOLATILE_MIME_TYPES = ("text/html", "image/svg+xml", "application/javascript")


def pytest_collectstart(collector):
    if getattr(collector, "path", None) is not None and collector.path.suffix == ".ipynb":
        collector.skip_compare += VOLATILE_MIME_TYPES
