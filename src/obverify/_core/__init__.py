"""Records and helpers every layer uses: codes and errors, report records and the findings collector, RunContext,
the Loader/Document seam, strict JSON, time parsing, text, URL, logging, bundled resources. Imports nothing above it."""
