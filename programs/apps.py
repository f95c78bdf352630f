from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "programs"

    def ready(self) -> None:
        from programs import permissions

        permissions.register()
        self._register_with_kernel()

    @staticmethod
    def _register_with_kernel() -> None:
        """Routes, navigation and tabs of the programs app (accounts/registry.py)."""
        from django.utils.translation import gettext_lazy as _

        from accounts.registry import NavEntry, registry
        from programs.permissions import ProgramsPerm

        registry.register_urls("programs", "programs.urls", namespace="programs")
        # Commission: top-level for now; it belongs under the "programs" entry once both land.
        registry.register_nav(
            NavEntry(
                audience="staff",
                key="commission",
                label=_("Commission"),
                url_name="programs:rule_set_list",
                icon="bi-percent",
                order=35,
                perm=ProgramsPerm.VIEW,
            )
        )
