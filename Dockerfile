# Assay: the API and the reviewer UI (`assay serve`), with the embedded models, CPU only.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    HF_HUB_OFFLINE=1 \
    ASSAY_DATA_DIR=/data

# llama-cpp-python (the `local` extra) compiles llama.cpp from source, for any AVX2 CPU rather
# than the build machine's (the Makefile says why)
ENV CMAKE_ARGS="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON"
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential cmake \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# torch first, pinned, the CPU build: not the multi-GB CUDA wheel
RUN pip install torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu

# then the project with its extras, as a wheel: corpora/ and prompts/ travel inside the
# package (setup.py maps them in), so the sources are not needed once it is installed
COPY pyproject.toml setup.py README.md ./
COPY service ./service
COPY corpora ./corpora
COPY prompts ./prompts
RUN pip install '.[postgres,celery,local,openai,ollama]' && rm -rf /app/service /app/corpora /app/prompts

VOLUME /data
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4)"]

# migrates, creates the admin on the first start (its token is printed once), then serves
CMD ["assay", "serve", "--host", "0.0.0.0", "--port", "8000"]
