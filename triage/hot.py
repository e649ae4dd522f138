"""Hot issues (热点问题) among a user's recent cases, with the cases behind
each, scoped to the user. Its own module, imported by the page's view: the
grouping (``intel.hot``: jieba, scikit-learn, seconds to import) stays out
of processes that never show it (the worker, management commands)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.cache import cache

from cases.models import Case, Status
from cases.selectors import cases_for
from changan import clock
from intel.hot import Item, hot_issues
from regions.models import Area


@dataclass(frozen=True)
class HotRow:
    issue: object  # intel.hot.HotIssue
    label: str  # the village's name and the matter's words
    cases: list[Case]


@dataclass(frozen=True)
class HotIssues:
    rows: list[HotRow]
    truncated: bool  # only the newest HOT_LIMIT cases of the window were read


HOT_LIMIT = 5000  # cases per run: a district's quarter
HOT_MIN_REPORTERS = 3  # one or two people are a case, not yet a hot issue


def hot_issues_for(user, *, days: int = 90, top: int = 20):
    """Hot issues among the user's cases of the last ``days`` (热点问题), with
    the cases behind each group; cached ten minutes per user and window."""
    key = f"triage:hot:{user.pk}:{days}:{top}"
    if (found := cache.get(key)) is not None:
        return found
    now = clock.now()
    rows = list(
        cases_for(user)
        .filter(received_at__gte=now - dt.timedelta(days=days))
        .exclude(status=Status.REJECTED)
        .only(
            "pk",
            "number",
            "title",
            "description",
            "received_at",
            "reporter_phone_digest",
            "me_too",
            "area_id",
            "status",
        )
        .order_by("-received_at")[:HOT_LIMIT]
    )
    items = [
        Item(
            id=c.pk,
            title=c.title,
            text=c.description,
            at=c.received_at,
            # An anonymous report counts as its own reporter.
            reporter=c.reporter_phone_digest or f"case:{c.pk}",
            engagement=c.me_too,
            place=c.area_id,
        )
        for c in rows
    ]
    by_id = {c.pk: c for c in rows}
    names = dict(Area.objects.filter(code__in={c.area_id for c in rows}).values_list("code", "name"))
    found = [
        HotRow(issue, " · ".join([names.get(issue.key, issue.key), " ".join(issue.words[:3])]).strip(" ·"),
               [by_id[i] for i in issue.items])
        for issue in [i for i in hot_issues(items, now=now) if i.reporters >= HOT_MIN_REPORTERS][:top]
    ]  # fmt: skip
    result = HotIssues(found, len(rows) == HOT_LIMIT)
    cache.set(key, result, 600)
    return result
