"""Uploaded evidence: checked by content (magic bytes), never by the name or the browser's word."""

from django.core.exceptions import ValidationError

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
SIGNATURES = [
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
]


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
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    raise ValidationError({"file": ["Format non accepté : déposez un PDF, un PNG ou un JPEG."]})
