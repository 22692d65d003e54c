# The image compose.yaml builds (docs/deploy.md); not built in CI.
FROM python:3.11-slim
WORKDIR /app
COPY . /app
RUN pip install --no-cache-dir -e . gunicorn
ENV PYTHONUNBUFFERED=1
EXPOSE 8000
CMD ["gunicorn", "--workers", "4", "--bind", "0.0.0.0:8000", "web:create_app()"]
