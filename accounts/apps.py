from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from accounts import checks  # noqa: F401 - registers the deny-by-default system check
        from accounts.receivers import sign_in_record

        # allauth's login goes through django.contrib.auth.login, which sends this.
        user_logged_in.connect(sign_in_record, dispatch_uid="accounts.sign_in_record")
