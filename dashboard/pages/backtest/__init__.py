"""The back-test page: page.py registers it; the modules beside it are its private helpers."""
