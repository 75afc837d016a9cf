"""farmscore as a step in the pipelines data teams already run: a datatrove filter
(`datatrove_filter`, in the `datatrove` extra) and one batch adapter for table-shaped engines
such as Hugging Face `datasets`, Ray Data and Spark (`batch_adapter`). Both load the model once
per worker, on first use, and describe each verdict with the same fields (`verdict_fields`)."""
