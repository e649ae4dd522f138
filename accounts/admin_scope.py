"""Django admin that shows each staff user only their data scope.

The list, the change page (also by a guessed id in the URL), the choices of
every related field and the autocomplete lookups all go through the same
selectors as the rest of the application.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered
from django.core.exceptions import PermissionDenied

from accounts.scope import scope_of


def scoped_queryset_for(admin_site: admin.AdminSite, model, user):
    """What ``user`` may see of ``model``: the selector of the model's own
    scoped admin, so each app that registers an admin says it once."""
    try:
        model_admin = admin_site.get_model_admin(model)
    except NotRegistered:
        return None
    selector = getattr(type(model_admin), "selector", None)
    return selector(user) if selector else None


class ScopedAdmin(admin.ModelAdmin):
    #: the selector that returns what a user may see of this admin's model
    selector = None

    def get_queryset(self, request):
        qs = type(self).selector(request.user)
        ordering = self.get_ordering(request)
        return qs.order_by(*ordering) if ordering else qs

    def area_code_of(self, obj) -> str | None:
        """The area (or grid) code that places ``obj`` in a scope."""
        return getattr(obj, "code", None)

    def save_model(self, request, obj, form, change):
        # Related-field choices already keep forms inside the scope; this also
        # stops a new top-level record (an area without parent) outside it.
        if not scope_of(request.user).covers_area(self.area_code_of(obj)):
            raise PermissionDenied("不在您的数据范围内 / outside your data scope")
        super().save_model(request, obj, form, change)

    def get_readonly_fields(self, request, obj=None):
        # A link that points outside the scope (a county bureau's parent, the
        # city department) is shown but cannot be edited: the scoped choices
        # would not contain it, and saving the form would silently drop it.
        fixed = list(super().get_readonly_fields(request, obj))
        if obj is None:
            return fixed
        for field in self.model._meta.get_fields():
            if not (field.many_to_one and field.editable) or field.name in fixed:
                continue
            value = getattr(obj, field.attname)
            scoped = scoped_queryset_for(self.admin_site, field.related_model, request.user)
            if value is not None and scoped is not None and not scoped.filter(pk=value).exists():
                fixed.append(field.name)
        return fixed

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        scoped = scoped_queryset_for(self.admin_site, db_field.related_model, request.user)
        if scoped is not None:
            kwargs["queryset"] = scoped.filter(**(db_field.get_limit_choices_to() or {}))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        scoped = scoped_queryset_for(self.admin_site, db_field.related_model, request.user)
        if scoped is not None:
            kwargs["queryset"] = scoped
        return super().formfield_for_manytomany(db_field, request, **kwargs)
