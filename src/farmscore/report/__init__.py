"""Human-readable output: tables in the terminal, and later the HTML audit report."""
