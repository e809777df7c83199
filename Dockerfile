# The Musia service image: `musia serve` by default; the same image runs `musia worker` and the
# one-shot `musia db upgrade` (see docker-compose.yml). Configured only by MUSIA_* variables.
#
# Two stages so the final image holds the installed project and nothing used to build it. The
# build installs exactly what uv.lock pins (with hashes) for the `server` and `audio` extras, with
# the uv release that requirements-uv.txt pins; every one of them ships as a wheel, so no compiler
# is needed.

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    UV_PROJECT_ENVIRONMENT=/opt/musia UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_NO_CACHE=1
WORKDIR /src
COPY requirements-uv.txt ./
RUN pip install --require-hashes -r requirements-uv.txt
# pyproject.toml names README.md as the long description, so the build needs it.
COPY pyproject.toml uv.lock README.md ./
COPY src ./src
RUN uv sync --locked --no-default-groups --extra server --extra audio --no-editable

FROM python:3.11-slim
# A fixed uid so files on the data volume keep their owner across image rebuilds.
RUN useradd --system --uid 10001 --user-group --create-home --home-dir /home/musia musia \
    && mkdir /data \
    && chown musia:musia /data
COPY --from=build /opt/musia /opt/musia
ENV PATH=/opt/musia/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    MUSIA_DATA_DIR=/data
USER musia
WORKDIR /home/musia
# The SQLite file, local storage and the generated JWT secret when no database, bucket or secret
# is configured; scratch space otherwise.
VOLUME ["/data"]
EXPOSE 8000
# Liveness only (/healthz answers without touching the database); /readyz tells readiness.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
CMD ["musia", "serve", "--host", "0.0.0.0", "--port", "8000"]
