"""`farmscore serve`: score articles over HTTP for crawlers and ingest workers.

| module | its one job |
| --- | --- |
| `settings` | the server's options, passed to worker processes through the environment |
| `schema` | request and response bodies, with the examples the OpenAPI page shows |
| `model_slot` | the model a worker serves, verified, and replaced without downtime |
| `scoring` | one request's documents scored in input order, off the event loop |
| `metrics` | Prometheus counters and histograms shared by every worker |
| `logs` | one JSON line per request and per server event |
| `guard` | body-size limit, request ids, timing and the request log line |
| `app` | the FastAPI application and its routes |
"""
