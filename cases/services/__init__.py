"""Every change to a case goes through this package.

Each action is one function with keyword-only arguments. It locks the case
row, checks that the user may take the action from the case's current status
(see ``ACTIONS``), changes the case, appends one event, recomputes deadlines
and queues notifications — all in one transaction. An action that is not
allowed raises ``ActionRefused`` naming the current status and the actions
this user may take now. The apps above the core (figures, triage) join in
through ``cases.hooks``, inside the same transaction.

The journey reads top to bottom:
receive → accept (or reject / answer) → dispatch → sign for → reply → verify
→ close → rate (→ reopen), with return, reassign, extension, suspend/resume,
merge, supervise, escalate, whistle (吹哨) and acknowledge (报到) on the side.

One module per concern: ``rules`` (who may do what), ``records`` (the row
lock, events, deadlines, recipients, numbers), ``receiving`` (登记),
``handling`` (accept … acknowledge), ``closing`` (reply, verify, rate,
reopen), ``oversight`` (merge, publicity, supervise, escalate), ``timers``
(the worker's pass), ``additions`` (notes, photos, 我也遇到), ``filters``
(saved list filters), ``kinds`` (the events an app above declares and
appends: a dispute's steps), ``disputes`` (a case becomes a dispute).
Callers use this package: ``from cases import services``.
"""

from __future__ import annotations

from cases.services.additions import ProcessedPhoto, add_me_too, add_photos, follow_up
from cases.services.closing import rate, reopen, reply, verify
from cases.services.disputes import register_dispute
from cases.services.filters import MAX_SAVED_FILTERS, delete_filter, save_filter
from cases.services.handling import (
    accept,
    acknowledge,
    answer,
    blow_whistle,
    contact_reporter,
    dispatch,
    grant_extension,
    handle_on_the_spot,
    reassign,
    refuse_extension,
    reject,
    request_extension,
    resume,
    return_case,
    sign,
    suspend,
)
from cases.services.kinds import EVENT_KINDS, EventRefused, declare_event, lock_case, log_event, set_deadline
from cases.services.oversight import escalate, merge, set_publicity, supervise
from cases.services.receiving import NewCase, receive_case, receive_cases
from cases.services.records import dispatchers_for, next_numbers, unit_staff
from cases.services.rules import ACTIONS, REPORTER, Action, ActionRefused, allowed_actions
from cases.services.sweeping import sweep_each
from cases.services.timers import SweepReport, sweep_timers

__all__ = [
    "ACTIONS",
    "EVENT_KINDS",
    "MAX_SAVED_FILTERS",
    "REPORTER",
    "Action",
    "ActionRefused",
    "EventRefused",
    "NewCase",
    "ProcessedPhoto",
    "SweepReport",
    "accept",
    "acknowledge",
    "add_me_too",
    "add_photos",
    "allowed_actions",
    "answer",
    "blow_whistle",
    "contact_reporter",
    "declare_event",
    "delete_filter",
    "dispatch",
    "dispatchers_for",
    "escalate",
    "follow_up",
    "grant_extension",
    "handle_on_the_spot",
    "lock_case",
    "log_event",
    "merge",
    "next_numbers",
    "rate",
    "reassign",
    "receive_case",
    "receive_cases",
    "refuse_extension",
    "register_dispute",
    "reject",
    "reopen",
    "reply",
    "request_extension",
    "resume",
    "return_case",
    "save_filter",
    "set_deadline",
    "set_publicity",
    "sign",
    "supervise",
    "suspend",
    "sweep_each",
    "sweep_timers",
    "unit_staff",
    "verify",
]
