from django.apps import AppConfig


class FieldworkConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "fieldwork"
    verbose_name = "网格员工作"

    def ready(self):
        from changan import navigation
        from regions.selectors import grids_of_worker

        navigation.register("nav_field", lambda user: grids_of_worker(user).exists())
