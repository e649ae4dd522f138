from django.apps import AppConfig


class FiguresConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "figures"
    verbose_name = "统计数据"

    def ready(self):
        from cases import hooks
        from changan import navigation
        from figures import services
        from figures.views import may_see_screen

        navigation.register("nav_screen", may_see_screen)
        # Every event the case core writes is counted in its transaction.
        hooks.register("events_recorded", services.count)
        hooks.register("category_changed", services.move)
