.PHONY: run test setup lint lock manage messages backup restore

## make run: install what is missing, start PostgreSQL if needed, migrate, load demo data,
## and serve the portal with its worker and scheduler on http://127.0.0.1:$${PORT:-8000}.
run:
	bash scripts/run.sh

## make test: the same set-up, then the whole test suite (ARGS="-k invitation" to narrow).
test:
	bash scripts/test.sh $(ARGS)

setup:
	bash scripts/setup.sh

## make lint: ruff (style), import-linter (the apps' layers, pyproject.toml) and mypy (types).
lint: setup
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/lint-imports
	DEBUG=1 DATABASE_URL=postgres://unused/unused .venv/bin/mypy

## make lock: pin the whole install set again after a change to pyproject.toml's dependencies.
lock:
	UV_PYTHON_DOWNLOADS=never .venv/bin/uv pip compile -q pyproject.toml --extra dev \
	  --generate-hashes --python-version 3.12 --universal -o requirements.lock

## make manage ARGS="totp_code admin@example.org": a manage.py command on the portal's database.
manage:
	bash scripts/manage.sh $(ARGS)

## make messages: gather new interface strings into the five translation catalogs (locale/).
messages:
	bash scripts/messages.sh

## make backup: the database and the file store into var/backups/portal-backup-<time>/.
backup:
	bash scripts/backup.sh

## make restore ARGS=var/backups/portal-backup-<time>: into an empty database and file store.
restore:
	bash scripts/restore.sh $(ARGS)
