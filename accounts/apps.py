from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("账号与角色")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from accounts.lockout import on_login_failed
        from accounts.middleware import note_sign_in

        user_logged_in.connect(note_sign_in, dispatch_uid="accounts.note_sign_in")
        user_login_failed.connect(on_login_failed, dispatch_uid="accounts.count_login_failure")
