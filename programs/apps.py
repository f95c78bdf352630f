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
        from accounts.registry import registry

        registry.register_urls("programs", "programs.urls", namespace="programs")
