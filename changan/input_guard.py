"""Refuse, at the edge, input that no page or API can store or show.

PostgreSQL refuses a NUL byte in text, an XML answer (Open311) cannot carry
most control characters, and text that is not UTF-8 would be stored as
U+FFFD replacement characters: a view that meets such input either fails
with a 500 or keeps a damaged record. This middleware looks at everything a
person or a client types — the path, the query string, urlencoded and
multipart form fields (not the files' bytes), JSON and plain-text bodies —
before any view runs, and answers **400** when it finds:

- a C0 control character other than tab, line feed and carriage return
  (NUL included), DEL, or a C1 control character (U+0080–U+009F);
- a lone surrogate (U+D800–U+DFFF, only reachable through a JSON ``\\ud800``
  escape) or U+FFFE / U+FFFF, which no UTF-8 database or XML document takes;
- bytes that are not UTF-8 in the query string, an urlencoded body or a
  JSON / text body (Django would quietly turn them into U+FFFD);
- a JSON body nested so deeply that parsing it exhausts the stack.

A body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (**413**), one with more than
``DATA_UPLOAD_MAX_NUMBER_FIELDS`` fields or a multipart body that cannot be
parsed (400) is answered here too, in the reader's language, rather than with
Django's bare "Bad Request" or an empty form handed to the view.

The answer fits the caller: the API gets ``{"detail", "field"}`` like DRF,
Open311 its error list (JSON or XML by the extension), JSON endpoints JSON,
and pages a small HTML page asking the person to go back — the browser keeps
what was typed on Back. Runs after ``LocaleMiddleware`` so the language is
the reader's. Imports no app.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import parse_qsl
from xml.etree import ElementTree as ET

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

logger = logging.getLogger("changan.input")

# C0 controls except \t \n \r; DEL and the C1 controls; surrogates; U+FFFE/U+FFFF.
# Other noncharacters (U+FDD0–U+FDEF, U+1FFFE …) are valid Unicode in
# interchange, storable and well-formed in XML: they are let through.
UNACCEPTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")

JSON_CONTENT_TYPE = re.compile(r"^application/([\w.+-]+\+)?json$")
BODY_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def unacceptable(text: str) -> bool:
    """Whether ``text`` holds a character this platform refuses to take in."""
    return UNACCEPTABLE.search(text) is not None


@dataclass(frozen=True)
class Problem:
    reason: str  # "characters", "encoding", "nesting", "too_large", "too_many_fields", "malformed"
    field: str  # where it was found: "path", a parameter or field name, "body"

    @property
    def status(self) -> int:
        return 413 if self.reason == "too_large" else 400

    def message(self) -> str:
        if self.reason == "characters":
            return _("输入的内容含有无法接受的字符（如控制字符）。")
        if self.reason == "encoding":
            return _("输入的内容不是有效的 UTF-8 文本。")
        if self.reason == "nesting":
            return _("JSON 内容嵌套层数太多。")
        if self.reason == "too_many_fields":
            return _("提交的字段太多。")
        if self.reason == "malformed":
            return _("提交的表单格式有误。")
        return _("提交的内容太大。")


class InputGuard:
    """Answer 400 before any view runs when the input holds characters the
    platform cannot take (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        problem = find_problem(request)
        if problem is not None and _reshown_by_its_form(request, problem):
            # The form shows itself again with the characters taken out and
            # says so (``request.refused_input``): nothing typed is lost.
            request.POST = _without_unacceptable(request.POST)
            request.refused_input = problem
            problem = None
        if problem is not None:
            logger.warning(
                "refused input (%s in %s): %s %s", problem.reason, problem.field, request.method,
                request.path_info.encode("unicode_escape").decode("ascii")[:200],
            )  # fmt: skip
            return refusal(request, problem)
        return self.get_response(request)


def reshows_refused_input(view):
    """Mark a form view that re-shows itself when a field held unacceptable
    characters (it gets them removed and ``request.refused_input`` set, and
    must not save anything on that request)."""
    view.reshows_refused_input = True
    return view


def _reshown_by_its_form(request: HttpRequest, problem: Problem) -> bool:
    if problem.reason != "characters" or problem.field in ("path", "?") or request.method != "POST":
        return False
    if _query_problem(request.META.get("QUERY_STRING", "")) is not None:
        return False  # only the form's own fields are cleaned; the URL is refused
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return getattr(match.func, "reshows_refused_input", False)


def _without_unacceptable(data: QueryDict) -> QueryDict:
    cleaned = QueryDict(mutable=True)
    for key, values in data.lists():
        cleaned.setlist(key, [UNACCEPTABLE.sub("", v) for v in values])
    cleaned._mutable = False
    return cleaned


def find_problem(request: HttpRequest) -> Problem | None:
    if unacceptable(request.path_info):
        return Problem("characters", "path")
    try:
        problem = _query_problem(request.META.get("QUERY_STRING", ""))
        if problem is None and request.method in BODY_METHODS:
            problem = _body_problem(request)
    except RequestDataTooBig:
        return Problem("too_large", "body")
    except (TooManyFieldsSent, TooManyFilesSent):
        return Problem("too_many_fields", "body")
    except MultiPartParserError:
        # Django would hand the view an empty form after this: say so instead.
        return Problem("malformed", "body")
    return problem


def _query_problem(raw: str | bytes) -> Problem | None:
    # WSGI hands the query string over as bytes decoded as latin-1.
    data = raw.encode("iso-8859-1", errors="replace") if isinstance(raw, str) else raw
    return _urlencoded_problem(data)


def _urlencoded_problem(data: bytes) -> Problem | None:
    try:
        text = data.decode("utf-8")
        pairs = parse_qsl(
            text,
            keep_blank_values=True,
            encoding="utf-8",
            errors="strict",
            max_num_fields=settings.DATA_UPLOAD_MAX_NUMBER_FIELDS,
        )
    except UnicodeDecodeError:
        return Problem("encoding", "query")
    except ValueError:  # parse_qsl: more fields than allowed
        return Problem("too_many_fields", "query")
    return _pairs_problem(pairs)


def _pairs_problem(pairs: Iterable[tuple[str, str]]) -> Problem | None:
    for key, value in pairs:
        if unacceptable(key) or unacceptable(value):
            return Problem("characters", key if not unacceptable(key) else "?")
    return None


def _body_problem(request: HttpRequest) -> Problem | None:
    content_type = (request.content_type or "").lower()
    if content_type == "application/x-www-form-urlencoded":
        return _urlencoded_problem(request.body)
    if content_type == "multipart/form-data":
        # request.POST streams the files to their handlers; only the fields
        # (already decoded by Django) and the files' field names are looked at.
        return _pairs_problem(
            [(k, v) for k, values in request.POST.lists() for v in values] + [(k, "") for k in request.FILES]
        )
    if JSON_CONTENT_TYPE.match(content_type) or content_type.startswith("text/"):
        try:
            text = request.body.decode(request.encoding or "utf-8")
        except (UnicodeDecodeError, LookupError):
            return Problem("encoding", "body")
        if not JSON_CONTENT_TYPE.match(content_type):
            return Problem("characters", "body") if unacceptable(text) else None
        try:
            data = json.loads(text)
        except RecursionError:
            return Problem("nesting", "body")
        except ValueError:
            # Not JSON: the view's parser answers that. NUL and the like are
            # still refused here, so no view ever sees them.
            return Problem("characters", "body") if unacceptable(text) else None
        return _json_problem(data)
    return None


def _json_problem(data) -> Problem | None:
    for field, text in _json_strings(data):
        if unacceptable(text):
            return Problem("characters", field)
    return None


def _json_strings(data) -> Iterator[tuple[str, str]]:
    """Every key and string value, with the top-level key it sits under
    (iteratively: a deep document must not exhaust the stack here)."""
    stack: list[tuple[str, object]] = [("body", data)]
    while stack:
        field, item = stack.pop()
        if isinstance(item, str):
            yield field, item
        elif isinstance(item, dict):
            for key, value in item.items():
                name = key if field == "body" else field
                yield name, key
                stack.append((name, value))
        elif isinstance(item, list):
            stack.extend((field, value) for value in item)


# ------------------------------------------------------------------ answers


def refusal(request: HttpRequest, problem: Problem) -> HttpResponse:
    path = request.path_info
    message = problem.message()
    if path.startswith("/open311/"):
        return _open311_error(path, problem.status, f"{message} ({problem.field})")
    if path.startswith("/api/") or _wants_json(request):
        return JsonResponse(
            {"detail": message, "field": problem.field},
            status=problem.status,
            json_dumps_params={"ensure_ascii": False},
        )
    back = request.META.get("HTTP_REFERER", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = "/"
    body = render_to_string("input_refused.html", {"message": message, "back": back})
    return HttpResponse(body, status=problem.status, content_type="text/html; charset=utf-8")


def _wants_json(request: HttpRequest) -> bool:
    if request.path_info.endswith((".json", ".geojson")):
        return True
    if JSON_CONTENT_TYPE.match((request.content_type or "").lower()):
        return True
    accept = request.headers.get("Accept", "")
    return "json" in accept and "html" not in accept


def _open311_error(path: str, status: int, description: str) -> HttpResponse:
    """The GeoReport v2 error list, in the format the path's extension asks for."""
    if path.endswith(".xml"):
        errors = ET.Element("errors")
        error = ET.SubElement(errors, "error")
        ET.SubElement(error, "code").text = str(status)
        ET.SubElement(error, "description").text = description
        body = b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(errors, encoding="utf-8")
        return HttpResponse(body, status=status, content_type="text/xml; charset=utf-8")
    body = json.dumps([{"code": status, "description": description}], ensure_ascii=False)
    return HttpResponse(body, status=status, content_type="application/json; charset=utf-8")
