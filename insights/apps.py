from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "insights"

    def ready(self) -> None:
        from insights import receivers

        # Deals tells the snapshots what happened (won, lost, a funnel step reached).
        receivers.connect()
