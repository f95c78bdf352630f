"""Partner types and lost reasons are one kind of list (OrderedLabel) with one set of services
(partners/services/label_lists.py): the same rules hold for both."""

import pytest
from django.core.exceptions import ValidationError

from accounts.models import AuditEvent
from partners.models import LostReason, OrderedLabel, PartnerType
from partners.services import label_lists
from partners.services.directory import PARTNER_TYPES
from partners.services.recruitment import LOST_REASONS


@pytest.fixture
def actor(manager_member):
    return manager_member.user


LISTS = pytest.mark.parametrize("spec", [PARTNER_TYPES, LOST_REASONS], ids=["types", "reasons"])


def test_both_lists_are_ordered_labels_with_their_own_label_column():
    assert issubclass(PartnerType, OrderedLabel) and issubclass(LostReason, OrderedLabel)
    assert (PARTNER_TYPES.field, LOST_REASONS.field) == ("name", "label")
    assert PartnerType._meta.ordering == ["position", "name"]
    assert LostReason._meta.ordering == ["position", "label"]


@LISTS
def test_labels_go_to_the_end_are_unique_ignoring_case_and_audited(spec, tenant, actor, in_tenant):
    with in_tenant(tenant):
        first = label_lists.label_create(spec, tenant=tenant, actor=actor, label="Alpha")
        second = label_lists.label_create(spec, tenant=tenant, actor=actor, label=" Beta ")
        with pytest.raises(ValidationError) as raised:
            label_lists.label_create(spec, tenant=tenant, actor=actor, label="alpha")
        label_lists.label_rename(spec, tenant=tenant, actor=actor, item=second, label="Gamma")

        assert (first.position, second.position) == (0, 1)
        assert str(second) == "Gamma"
        assert list(raised.value.message_dict) == [spec.field]
        actions = AuditEvent.objects.filter(tenant=tenant).values_list("action", flat=True)
        assert set(actions) >= {f"{spec.action}.created", f"{spec.action}.renamed"}


@LISTS
def test_seeding_fills_only_an_empty_list(spec, tenant, in_tenant):
    with in_tenant(tenant):
        assert label_lists.labels_seed(spec, tenant=tenant, labels=["One", "Two"]) == 2
        assert label_lists.labels_seed(spec, tenant=tenant, labels=["Three"]) == 0
        assert [str(item) for item in spec.model.objects.filter(tenant=tenant)] == ["One", "Two"]
