"""Dashboard pages: one package per page; its `page.py` registers the page (layout, callbacks).

The modules beside `page.py` are that page's private helpers (figures, computations); pieces more
than one page uses live in `dashboard.shared`.
"""
