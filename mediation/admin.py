"""The mediation pool and dispute types are configuration, kept in the
admin; disputes themselves change only through the five steps' pages."""

from django import forms
from django.contrib import admin

from changan import crypto
from mediation.models import DisputeType, Mediator, MediatorTie
from mediation.services import normalise_id


@admin.register(DisputeType)
class DisputeTypeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "category", "order", "is_active")
    list_editable = ("order", "is_active")
    autocomplete_fields = ("category",)


class TieForm(forms.ModelForm):
    id_number = forms.CharField(
        label="证件号码（仅存比对摘要，不存明文）",
        required=False,
        help_text="身份证号，用于回避比对 / for matching only",
    )

    class Meta:
        model = MediatorTie
        fields = ("person_name", "relation", "id_number")

    def clean_id_number(self) -> str:
        try:
            return normalise_id(self.cleaned_data["id_number"], "person")
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None

    def save(self, commit: bool = True):
        tie = super().save(commit=False)
        if number := self.cleaned_data.get("id_number"):
            tie.id_digest = crypto.digest("id", number)
        if commit:
            tie.save()
        return tie


class TieInline(admin.TabularInline):
    """回避申报: the people the mediator must not mediate for."""

    model = MediatorTie
    form = TieForm
    extra = 1


@admin.register(Mediator)
class MediatorAdmin(admin.ModelAdmin):
    list_display = ("user", "committee", "kind", "home_area", "max_load", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("user__full_name", "user__username", "committee__name")
    autocomplete_fields = ("user", "committee", "home_area", "home_grid")
    filter_horizontal = ("expertise",)
    list_select_related = ("user", "committee", "home_area")
    inlines = [TieInline]
