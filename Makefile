# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint format migrations-check install worker beat messages bench clean prod-check fuzz backup restore

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py migrate --noinput
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py seed_demo
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py runserver 127.0.0.1:8000

test: $(STAMP)
	$(BIN)/python -m pytest -n $${PYTEST_WORKERS:-2} --dist loadgroup $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/bandit -q -r accounts contacts deputies feedback ops reports songjiang_liaison deploy -x '*/migrations/*' -ll

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: $(STAMP)
	TESTING=true $(BIN)/python manage.py makemigrations --check --dry-run

messages: $(STAMP)
	TESTING=true $(BIN)/python manage.py makemessages -l en --ignore=.venv --ignore=static/vendor
	TESTING=true $(BIN)/python manage.py compilemessages -l en --ignore=.venv

# The worker and the scheduler need REDIS_URL (environment or .env) and a migrated database (the
# migration installs the default schedules); beat reads
# its schedules from the database (django-celery-beat, editable in the admin under "Periodic tasks").
worker: $(STAMP)
	$(BIN)/celery -A songjiang_liaison worker --loglevel=$${LOG_LEVEL:-info} --concurrency=$${CELERY_CONCURRENCY:-2}

beat: $(STAMP)
	$(BIN)/celery -A songjiang_liaison beat --loglevel=$${LOG_LEVEL:-info} \
		--scheduler django_celery_beat.schedulers:DatabaseScheduler --pidfile=

# The production path on this checkout (docs/deployment.md): DEBUG=false, migrate, collectstatic,
# gunicorn + a Celery worker + one beat, probed as every demo persona, then stopped. SQLite in a
# scratch folder unless DATABASE_URL is set (give it a scratch database); a private redis-server
# unless REDIS_URL is set.
prod-check: $(STAMP)
	$(BIN)/python deploy/prodcheck.py

# schemathesis against /api/v1/schema/ on the same production settings (gunicorn, DEBUG=false, demo
# data), anonymously and with each demo persona's token, every check, 50 examples per operation
# (deploy/fuzzapi.py, deploy/schemathesis.toml). Any server error or schema violation fails it. Give
# it a scratch DATABASE_URL, as for prod-check.
fuzz: $(STAMP)
	$(BIN)/python deploy/fuzzapi.py

# One file under backups/ (database + media), its path printed last; restore replaces both and checks
# every table's row count (docs/deployment.md, "Backups"). Asks first only on a terminal.
backup: $(STAMP)
	@$(BIN)/python manage.py backup

restore: $(STAMP)
	@test -n "$(FILE)" || { echo "usage: make restore FILE=backups/songjiang-….tar.gz" >&2; exit 2; }
	$(BIN)/python manage.py restore "$(FILE)"

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
