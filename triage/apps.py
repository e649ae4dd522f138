from django.apps import AppConfig


class TriageConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "triage"
    verbose_name = "智能分拣"

    def ready(self):
        from cases import hooks
        from triage import case_detail, services

        # New cases are classified before they are numbered and triaged once
        # written; a person's choice against a suggestion is kept (改判).
        hooks.register("classify_new", services.classify)
        hooks.register("cases_received", services.record)
        hooks.register("choice_made", services.note_choice)
        hooks.register("case_panels", case_detail.panel)
        hooks.register("case_detail_fields", case_detail.api_fields)
