"""The run page: page.py registers it; the modules beside it are its private helpers."""
