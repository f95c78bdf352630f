"""Signals the deals app sends; payouts (and later insights) subscribe. Deals imports neither.

Every signal is sent after the transaction that made the change commits
(`transaction.on_commit`), with `tenant` and the row's id, never inside it: a receiver that
fails cannot undo the deal, and a rolled-back change tells nobody. Receivers must be idempotent
(a periodic reconciliation may call them again for the same event), keyed on what the
arguments name.
"""

import django.dispatch

from accounts.tenancy import tenant_context


def seed_deal_stages_for_new_tenant(sender, instance, created, raw=False, **kwargs) -> None:
    """A new tenant starts with the built-in pipeline stages, in the tenant's own transaction
    (as programs seeds contract types), so a deal always has a stage to start in."""
    if not created or raw:
        return
    from deals.services.stages import deal_stages_seed

    with tenant_context(instance):
        deal_stages_seed(tenant=instance)


# --- Signals the deals app sends ------------------------------------------------------------

# `tenant`, `deal_id`, `won_on` (date): the deal entered a won stage.
deal_won = django.dispatch.Signal()

# `tenant`, `deal_id`, `lost_on` (date), `was_won` (bool): the deal entered a lost stage
# (`was_won`: it had been won, so a clawback window may apply).
deal_lost = django.dispatch.Signal()

# `tenant`, `deal_id`, `change_id` (the DealEvent id, unique per change),
# `old_one_time`, `new_one_time`, `old_monthly`, `new_monthly` (Decimal): the amount of a won
# deal changed.
deal_amount_changed = django.dispatch.Signal()

# `tenant`, `deal_id`, `churned_on` (date): the customer of a won deal cancelled.
deal_churned = django.dispatch.Signal()

# `tenant`, `deal_id`, `held_on` (date): the deal reached the "meeting held" stage.
deal_meeting_held = django.dispatch.Signal()

# `tenant`, `target_account_id`, `change_id` (the TargetAccountChange id), `milestone`
# (a deals.models.Milestone value), `reached_on` (date): a funnel milestone was reached
# (a program may pay per milestone: by-name request accepted, meeting held).
milestone_reached = django.dispatch.Signal()
