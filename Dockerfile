# Production image: gunicorn + whitenoise for the web, the same image for Celery.
FROM python:3.13-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_ENV=production \
    MEDIA_ROOT=/data/media

RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-liberation2 gettext libpq5 libpango-1.0-0 libpangoft2-1.0-0 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 1000 portal

WORKDIR /app
COPY requirements/base.txt requirements/base.txt
RUN pip install --no-cache-dir --require-hashes -r requirements/base.txt

COPY --chown=portal:portal . .
# collectstatic needs settings that import; the build uses a throwaway key.
RUN DJANGO_SECRET_KEY=build-only-$(head -c 48 /dev/urandom | od -An -tx1 | tr -d ' \n') \
    DJANGO_ALLOWED_HOSTS=build python manage.py collectstatic --no-input -v 0 \
    && mkdir -p /data/media /app/var && chown -R portal:portal /data /app/var

USER portal
EXPOSE 8000
CMD ["gunicorn", "emulation.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
