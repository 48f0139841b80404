"""PDF and CSV rendering with reportlab: copy-block pages, composed copies, original documents,
register books and verification reports. Pure functions from plain dataclasses to bytes/streams;
no database, no web framework, no signing (see `signing/`)."""
