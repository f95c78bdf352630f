"""Signals the kernel sends; apps above it subscribe (imports only flow upwards)."""

from django.dispatch import Signal

# Sent inside the acceptance transaction with tenant, invitation (its payload) and membership.
invitation_accepted = Signal()
