"""Reading inputs into `Document`s and writing results: the only package that opens files."""

from farmscore.io.readers import iter_documents

__all__ = ["iter_documents"]
