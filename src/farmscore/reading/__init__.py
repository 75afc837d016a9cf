"""Reading inputs into `Document`s: paths, files, tables, streams, feeds, pages, Markdown and
language checks. The only package that opens inputs or touches HTML."""

from farmscore.reading.files import iter_documents

__all__ = ["iter_documents"]
