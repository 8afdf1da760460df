"""PDF rendering with WeasyPrint, through a URL fetcher that only serves our own static files.

Templates reference assets as `static:css/pdf.css` or `static:dsfr/dist/fonts/Marianne-Regular.woff2`;
any other URL (network, file://, data:) is refused, so a value in a document cannot make the
renderer read the disk or call out.
"""

import mimetypes
from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

STATIC_SCHEME = "static:"


def _weasyprint():
    # Imported lazily: WeasyPrint costs ~0.5 s to import and only PDF paths need it.
    import weasyprint
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if not url.startswith(STATIC_SCHEME):
                raise ValueError(f"URL refusée pour un PDF : {url}")
            relative = url.removeprefix(STATIC_SCHEME).lstrip("/").split("?")[0].split("#")[0]
            found = finders.find(relative)
            if not found or ".." in Path(relative).parts:
                raise ValueError(f"Fichier statique introuvable : {relative}")
            body = Path(found).read_bytes()
            mime_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
            return URLFetcherResponse(url, body, {"Content-Type": mime_type})

    return weasyprint, StaticOnlyFetcher


def render_pdf(template_name: str, context: dict) -> bytes:
    weasyprint, fetcher_class = _weasyprint()
    html = render_to_string(template_name, context)
    return weasyprint.HTML(string=html, base_url=STATIC_SCHEME, url_fetcher=fetcher_class()).write_pdf()
