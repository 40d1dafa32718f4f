# Production image for the CIB portal: web (gunicorn), Celery worker and beat share it.
FROM python:3.11-slim-bookworm

# PYTHONPATH: import the project from /app, which is BASE_DIR (templates/, static/, data/),
# rather than the copy `pip install .` puts in site-packages.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    DJANGO_SETTINGS_MODULE=cib_portal.settings.production \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/data/media

# WeasyPrint's libraries (Pango, HarfBuzz subsetting) and fonts for the PDF reports.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
        fonts-dejavu-core fonts-liberation2 \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 cib \
    && useradd --system --uid 10001 --gid cib --create-home --home-dir /home/cib cib

WORKDIR /app
COPY . .

# Static files are collected into the image. The settings need these variables to load; the
# values are placeholders used only by this step. /data/media is created owned by cib so that
# the media volume takes that ownership when docker first mounts it.
RUN pip install . \
    && SECRET_KEY=collectstatic-build-only \
       ALLOWED_HOSTS=localhost \
       DATABASE_URL=postgres://build@localhost:5432/build \
       REDIS_URL=redis://localhost:6379/0 \
       python manage.py collectstatic --noinput \
    && mkdir -p /data/media \
    && chown -R cib:cib /data

USER cib
EXPOSE 8000
CMD ["gunicorn", "cib_portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--access-logfile", "-"]
