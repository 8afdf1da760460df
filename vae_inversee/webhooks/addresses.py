"""Where a webhook may be sent (product.md section 14): the SSRF check, at registration and at delivery.

In production (`WEBHOOK_ALLOW_PRIVATE_ADDRESSES = False`, the default when DJANGO_ENV=production), an
endpoint must be HTTPS and every address its host resolves to must be public: no private, loopback,
link-local, reserved, multicast or unspecified address. The embedded default and the tests allow
`http://127.0.0.1` (a receiver on the developer's machine). The check runs again just before each
delivery, since a name can be made to resolve elsewhere after its registration; redirects are never
followed (`delivery.py`).
"""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError


def _public(address) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_reserved
        or ip.is_multicast
        or ip.is_unspecified
        or not ip.is_global
    )


def resolve(host: str, port: int) -> list[str]:
    try:
        return sorted({info[4][0] for info in socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)})
    except (socket.gaierror, UnicodeError, OSError):
        return []


def refusal(url: str) -> str | None:
    """None when `url` may receive webhooks, or the French reason it may not."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "Adresse invalide."
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return "L'adresse doit commencer par https:// et nommer un serveur."
    if parts.username or parts.password:
        return "L'adresse ne doit pas contenir d'identifiants : le secret du webhook signe chaque envoi."
    if settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES:
        return None
    if parts.scheme != "https":
        return "L'adresse doit être en HTTPS."
    addresses = resolve(parts.hostname, port or 443)
    if not addresses:
        return f"Le nom « {parts.hostname} » ne correspond à aucune adresse."
    private = [address for address in addresses if not _public(address)]
    if private:
        return (
            f"« {parts.hostname} » correspond à une adresse privée, locale ou réservée ({', '.join(private)}) : "
            "seules les adresses publiques reçoivent des webhooks."
        )
    return None


def check(url: str, field: str = "url") -> None:
    reason = refusal(url)
    if reason:
        raise ValidationError({field: [reason]})
