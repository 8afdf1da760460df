"""Uploaded evidence: checked by content, never by the name or the browser's word. The magic bytes say
what a file claims to be; the file is then opened with pypdf or Pillow and refused if it does not open
(a text starting with "%PDF-1.4", a truncated image, a polyglot)."""

from django.core.exceptions import ValidationError
from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PdfReadError

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
SIGNATURES = [
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
]
PILLOW_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG"}
UNREADABLE = "Le fichier est endommagé ou n'est pas un vrai {label} : il ne s'ouvre pas."


def _pdf_opens(uploaded_file) -> bool:
    try:
        reader = PdfReader(uploaded_file, strict=False)
        if reader.is_encrypted:
            return False
        # Resolving every page's box reads the objects: a fake or truncated PDF fails here.
        return len(reader.pages) > 0 and all(page.mediabox.width > 0 for page in reader.pages)
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError, RecursionError):
        return False


def _image_opens(uploaded_file, expected) -> bool:
    try:
        with Image.open(uploaded_file) as image:
            if image.format != expected:
                return False
            image.verify()
        uploaded_file.seek(0)
        # verify() does not decode the pixels: load() does (a truncated image fails here).
        with Image.open(uploaded_file) as image:
            image.load()
        return True
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return False


def inspect_upload(uploaded_file) -> str:
    """The file's real content type, or a French ValidationError on the `file` field."""
    if uploaded_file is None:
        raise ValidationError({"file": ["Choisissez un fichier à déposer."]})
    if uploaded_file.size == 0:
        raise ValidationError({"file": ["Le fichier est vide."]})
    if uploaded_file.size > MAX_UPLOAD_BYTES:
        size_mb = uploaded_file.size / (1024 * 1024)
        raise ValidationError({"file": [f"Le fichier dépasse 10 Mo ({size_mb:.1f} Mo)."]})
    uploaded_file.seek(0)
    head = uploaded_file.read(16)
    uploaded_file.seek(0)
    content_type = next((kind for signature, kind in SIGNATURES if head.startswith(signature)), None)
    if content_type is None:
        raise ValidationError({"file": ["Format non accepté : déposez un PDF, un PNG ou un JPEG."]})
    if content_type == "application/pdf":
        opens, label = _pdf_opens(uploaded_file), "PDF"
    else:
        opens, label = _image_opens(uploaded_file, PILLOW_FORMATS[content_type]), content_type.split("/")[1].upper()
    uploaded_file.seek(0)
    if not opens:
        raise ValidationError({"file": [UNREADABLE.format(label=label)]})
    return content_type
