"""farmscore: tell substantive articles from content-farm pages, with reasons."""

__version__ = "0.1.0"
