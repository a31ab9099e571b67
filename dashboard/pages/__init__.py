"""Dashboard pages: one module per page, each with `register_page`, `layout` and its callbacks."""
