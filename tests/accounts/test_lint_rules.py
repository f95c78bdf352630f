"""The project's own lint rules (scripts/lint_rules.py): no raw SQL, no ORM queries in views."""

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("lint_rules", ROOT / "scripts" / "lint_rules.py")
lint_rules = importlib.util.module_from_spec(_spec)
sys.modules["lint_rules"] = lint_rules  # dataclasses look their module up there
_spec.loader.exec_module(lint_rules)

VIEW_WITH_QUERIES = """
from django.shortcuts import get_object_or_404
from partners.models import Partner

def partner_page(request, tenant_slug, partner_id):
    partner = get_object_or_404(Partner, pk=partner_id)
    others = Partner.objects.filter(tenant=request.tenant).order_by("pk")
    return partner, others, request.POST.get("x"), {}.values()
"""


def codes(findings):
    return [(f.line, f.code) for f in findings]


@pytest.mark.parametrize(
    "path", ["partners/views/staff.py", "deals/views.py", "partners/api.py", "payouts/api/x.py"]
)
def test_orm_queries_in_a_view_module_are_reported(path):
    findings = lint_rules.check_source(VIEW_WITH_QUERIES, path)

    # get_object_or_404 and the chained query: one finding per line; .get() and .values() of a
    # dict are not queries.
    assert codes(findings) == [(6, "PRM002"), (7, "PRM002")]


def test_the_same_code_in_a_selector_is_fine():
    assert lint_rules.check_source(VIEW_WITH_QUERIES, "partners/selectors/directory.py") == []


@pytest.mark.parametrize("method", ["raw", "extra"])
def test_raw_sql_is_reported_anywhere_in_app_code(method):
    source = f"def rows(tenant):\n    return Partner.objects.{method}('SELECT 1')\n"

    findings = lint_rules.check_source(source, "partners/selectors/directory.py")

    assert codes(findings) == [(2, "PRM001")]


def test_baseline_counts_may_only_go_down(tmp_path):
    views = tmp_path / "partners" / "views"
    views.mkdir(parents=True)
    (views / "staff.py").write_text(VIEW_WITH_QUERIES)
    files = [views / "staff.py"]

    over = lint_rules.run(files, root=tmp_path, baseline={"partners/views/staff.py": 1})
    exact = lint_rules.run(files, root=tmp_path, baseline={"partners/views/staff.py": 2})
    under = lint_rules.run(files, root=tmp_path, baseline={"partners/views/staff.py": 3})

    assert any(line.startswith("error") for line in over)
    assert exact == []
    assert [line.split(":")[0] for line in under] == ["note"]


def test_the_code_base_passes():
    lines = lint_rules.run(lint_rules.app_files())

    assert [line for line in lines if line.startswith("error")] == []
