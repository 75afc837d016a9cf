"""The audit of a site or an archive: every document scored into one row (`run`), on this
machine or a Dask cluster (`dask_engine`), written atomically (`result_files`), and reported as
one HTML page (`report`, with its `plots`)."""
