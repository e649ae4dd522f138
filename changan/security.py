"""Response headers that tell the browser what a page may do.

The Content-Security-Policy itself is django-csp's (``CONTENT_SECURITY_POLICY``
in the settings); this module adds what it does not cover: the map tiles'
host for ``img-src``, and the Permissions-Policy header (which browser
features a page may ask for at all)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings


def tile_source(url: str) -> str | None:
    """The CSP source expression that lets the map load tiles from ``url``, a
    Leaflet URL template such as ``https://t{s}.tianditu.gov.cn/…/{z}/{x}/{y}``.

    A ``{s}`` (sub-domain) placeholder in the first label becomes CSP's
    ``*.`` wildcard. A relative template (tiles served by this site) or none
    needs nothing beyond ``'self'``: ``None``."""
    if not url:
        return None
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return None
    host = parts.netloc.rsplit("@", 1)[-1]
    labels = host.split(".")
    if "{" in labels[0]:
        labels[0] = "*"
    if any("{" in label for label in labels):
        raise ValueError(f"MAP_TILE_URL: only the first label of the host may be a placeholder: {url}")
    return f"{parts.scheme}://{'.'.join(labels)}"


# Browser features a page could ask for; those not in the PERMISSIONS_POLICY
# setting are denied to every page. Only names browsers know: an unknown one
# is reported in the console.
FEATURES = (
    "accelerometer",
    "autoplay",
    "camera",
    "display-capture",
    "encrypted-media",
    "fullscreen",
    "geolocation",
    "gyroscope",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "picture-in-picture",
    "publickey-credentials-get",
    "screen-wake-lock",
    "usb",
    "xr-spatial-tracking",
)


def permissions_policy(allowed: dict[str, list[str]]) -> str:
    """The header value: each feature in ``allowed`` for the origins listed
    (``"self"``, or quoted origins), every other one of ``FEATURES`` for none:
    ``geolocation=(self), camera=(), …``."""
    features = {**dict.fromkeys(FEATURES, ()), **allowed}
    return ", ".join(f"{name}=({' '.join(origins)})" for name, origins in sorted(features.items()))


class PermissionsPolicyMiddleware:
    """Adds ``Permissions-Policy`` (the ``PERMISSIONS_POLICY`` setting) to every response."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = permissions_policy(getattr(settings, "PERMISSIONS_POLICY", {}))

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.header)
        return response
