# syntax=docker/dockerfile:1
# The production image: gunicorn serves prm.wsgi on :8000; the same image runs the Celery
# worker and beat (see docker-compose.yml).

# --- Browser assets, pinned by package-lock.json --------------------------------------------
FROM node:20-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --omit=dev

# --- The application ---------------------------------------------------------------------
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONPATH=/app \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Japanese fonts and WeasyPrint's libraries for the PDFs; gettext for compilemessages.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        fonts-noto-cjk \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
        gettext \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first (a layer that survives code changes): install the project once with
# only its metadata, then again with the code.
COPY pyproject.toml ./
RUN mkdir -p prm && touch prm/__init__.py \
    && pip install . \
    && rm -rf prm build *.egg-info

COPY --from=assets /app/node_modules ./node_modules
COPY . .
RUN pip install --no-deps . && rm -rf build *.egg-info

# Compiled translations and hashed static files are part of the image. The secret below only
# lets the production settings load at build time; it is never used at run time.
# (scripts/prepare.py runs compilemessages, skipping it while the tree has no .po file.)
RUN python scripts/prepare.py \
    && PRM_ENV=production \
       DJANGO_SECRET_KEY=build-time-only-dummy-secret-key-not-used-at-run-time-0123456789 \
       DJANGO_ALLOWED_HOSTS=localhost \
       python manage.py collectstatic --noinput

RUN useradd --system --uid 10001 --user-group --home-dir /app --no-create-home prm \
    && mkdir -p /app/var/media \
    && chown -R prm:prm /app/var
USER prm

ENV PRM_ENV=production
EXPOSE 8000
CMD ["gunicorn", "prm.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
